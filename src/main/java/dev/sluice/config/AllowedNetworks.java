package dev.sluice.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Address ranges the operator lets sources reach although they are internal (loopback, link-local, private):
 * {@code SLUICE_ALLOW_NETWORKS}, written {@code 10.0.0.0/8,fd00::/8}. Empty by default.
 */
public record AllowedNetworks(List<Range> ranges) {
    public static final AllowedNetworks NONE = new AllowedNetworks(List.of());

    /** One range: an address and how many leading bits must match. */
    public record Range(byte[] network, int prefix) {
        public Range {
            network = network.clone();
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Range r && r.prefix == prefix && Arrays.equals(r.network, network);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(network) * 31 + prefix;
        }

        @Override
        public String toString() {
            try {
                return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
            } catch (UnknownHostException e) {
                return Arrays.toString(network) + "/" + prefix;
            }
        }
    }

    public AllowedNetworks {
        ranges = List.copyOf(ranges);
    }

    public boolean contains(InetAddress address) {
        return ranges.stream().anyMatch(range -> range.contains(address));
    }

    /**
     * Parses {@code 10.0.0.0/8} or a single address (all its bits); only literal addresses, never names to resolve.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Range parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        if (!address.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            throw new IllegalArgumentException("'" + trimmed + "' is not an address or range such as 10.0.0.0/8");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + trimmed + "' is not an address or range such as 10.0.0.0/8");
        }
        int prefix;
        try {
            prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(trimmed.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > bytes.length * 8) {
            throw new IllegalArgumentException("'" + trimmed.toLowerCase(Locale.ROOT) + "' has no valid prefix length");
        }
        return new Range(bytes, prefix);
    }
}
