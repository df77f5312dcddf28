package dev.sluice.extract;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process's HTTP clients, one per connect timeout (JDK clients are meant to be shared, and building one is not
 * cheap: it initialises TLS even for plain http, 0.17 s in a fresh JVM, measured). {@link #warmUp} builds them on a
 * background thread while the run connects to its database, so the first download does not wait for it.
 */
final class HttpClients {
    private static final Map<Duration, HttpClient> CLIENTS = new ConcurrentHashMap<>();

    private HttpClients() {}

    static HttpClient forConnectTimeout(Duration timeout) {
        // computeIfAbsent makes a caller wait for a warm-up already building the same client.
        return CLIENTS.computeIfAbsent(
                timeout,
                t -> HttpClient.newBuilder()
                        .connectTimeout(t)
                        // Redirects are followed by HttpSourceFetcher, one checked hop at a time.
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build());
    }

    static void warmUp(Iterable<Duration> timeouts) {
        Thread thread = new Thread(() -> timeouts.forEach(HttpClients::forConnectTimeout), "sluice-http-warm-up");
        thread.setDaemon(true);
        thread.start();
    }
}
