package dev.sluice.web;

import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Answers only requests addressed to this server by a name it knows: a web page on another site cannot then reach
 * the dashboard through a name of its own that resolves to 127.0.0.1 (DNS rebinding), and read the API as if it
 * were this origin. Loopback names are always known; the operator adds the names it is reached by
 * ({@code SLUICE_ALLOWED_HOSTS}), or {@code *} behind a proxy that checks them. Health checks are exempt: probes
 * address a container by its changing IP address, and they reveal nothing.
 */
final class HostCheck {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final Set<String> allowed;
    private final boolean any;

    HostCheck(List<String> configured) {
        this.any = configured.contains("*");
        this.allowed = Stream.concat(LOOPBACK.stream(), configured.stream())
                .map(h -> h.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    void check(Context ctx) {
        if (any || ctx.path().startsWith("/health/")) {
            return;
        }
        String host = hostName(ctx.header("Host"));
        if (!allowed.contains(host)) {
            throw new BadRequestException(
                    421,
                    "this server does not answer to the name '" + dev.sluice.Excerpt.of(host, 100)
                            + "'; the operator adds names in SLUICE_ALLOWED_HOSTS");
        }
    }

    /** The Host header without its port, lower-case; {@code [::1]} keeps its brackets. */
    static String hostName(String header) {
        if (header == null) {
            return "";
        }
        String host = header.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}
