package dev.sluice.extract;

import dev.sluice.config.AllowedNetworks;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a source and its redirects may lead. A pipeline file is untrusted and a source's server is outside sluice's
 * control; either could aim sluice at the cloud's metadata service or at another internal host and have what answers
 * published in a run's error. So:
 *
 * <ul>
 *   <li>a source URL may not name a link-local address (169.254.0.0/16, fe80::/10: where cloud metadata services
 *   answer);</li>
 *   <li>a redirect goes only from http(s) to http(s), never from https to http, at most {@link #MAX_REDIRECTS}
 *   times;</li>
 *   <li>a redirect to a loopback, link-local or private address is refused unless it stays on the source's own
 *   host;</li>
 * </ul>
 *
 * unless the address is in a range the operator allows ({@code SLUICE_ALLOW_NETWORKS}). Each refusal says which
 * rule. (A name is resolved here and again by the HTTP client; a DNS server that answers differently between the two
 * could slip past: the window is a few milliseconds, and the operator can keep such names out of pipeline files.)
 */
final class AddressPolicy {
    static final int MAX_REDIRECTS = 5;

    private final AllowedNetworks allowed;

    AddressPolicy(AllowedNetworks allowed) {
        this.allowed = allowed;
    }

    /** Why sluice may not fetch a source's own URL, or empty when it may. */
    Optional<String> sourceRefusal(URI url) {
        for (InetAddress address : addresses(url.getHost())) {
            if (isLinkLocal(address) && !allowed.contains(address)) {
                return Optional.of(url.getHost() + " is a link-local address (" + address.getHostAddress()
                        + "), where cloud metadata services answer; allow its range in SLUICE_ALLOW_NETWORKS if it"
                        + " is a real source");
            }
        }
        return Optional.empty();
    }

    /** Why a redirect from {@code from} to {@code to} of the source first fetched at {@code origin} is refused. */
    Optional<String> redirectRefusal(URI origin, URI from, URI to, int redirectsSoFar) {
        String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of(
                    "a redirect to " + (scheme.isEmpty() ? "a relative location without scheme" : scheme + ":")
                            + " is refused: only http and https are followed");
        }
        if ("https".equalsIgnoreCase(from.getScheme()) && scheme.equals("http")) {
            return Optional.of("a redirect from https to http is refused");
        }
        if (to.getHost() == null) {
            return Optional.of("a redirect to a location without a host is refused");
        }
        if (redirectsSoFar >= MAX_REDIRECTS) {
            return Optional.of("more than " + MAX_REDIRECTS + " redirects");
        }
        if (to.getHost().equalsIgnoreCase(origin.getHost())) {
            return Optional.empty();
        }
        for (InetAddress address : addresses(to.getHost())) {
            Optional<String> kind = internalKind(address);
            if (kind.isPresent() && !allowed.contains(address)) {
                return Optional.of("a redirect to " + kind.get() + " address " + address.getHostAddress() + " ("
                        + to.getHost() + ") is refused: it is not the source's own host; allow its range in"
                        + " SLUICE_ALLOW_NETWORKS");
            }
        }
        return Optional.empty();
    }

    /** The addresses a host resolves to; none when it does not resolve (the HTTP client then fails on its own). */
    private static InetAddress[] addresses(String host) {
        if (host == null) {
            return new InetAddress[0];
        }
        try {
            return InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            return new InetAddress[0];
        }
    }

    static boolean isLinkLocal(InetAddress address) {
        return address.isLinkLocalAddress();
    }

    /** The kind of an address that is not on the public internet, if it is one. */
    static Optional<String> internalKind(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return Optional.of("the loopback");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("the link-local");
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return Optional.of("the unroutable");
        }
        if (address.isSiteLocalAddress() || isUniqueLocal(address) || isSharedAddressSpace(address)) {
            return Optional.of("the private");
        }
        return Optional.empty();
    }

    /** fc00::/7, IPv6's private range, which {@code isSiteLocalAddress} does not cover. */
    private static boolean isUniqueLocal(InetAddress address) {
        return address instanceof Inet6Address && (address.getAddress()[0] & 0xFE) == 0xFC;
    }

    /** 100.64.0.0/10, carrier-grade NAT: internal to a provider's network. */
    private static boolean isSharedAddressSpace(InetAddress address) {
        byte[] b = address.getAddress();
        return address instanceof Inet4Address && (b[0] & 0xFF) == 100 && (b[1] & 0xC0) == 64;
    }
}
