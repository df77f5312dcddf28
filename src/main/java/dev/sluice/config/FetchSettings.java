package dev.sluice.config;

import java.time.Duration;

/**
 * How a source is downloaded. Defaults are listed in the README's pipeline file reference and in
 * {@link #DEFAULTS}; keep both in step.
 *
 * @param connectTimeout   time to establish a connection
 * @param readTimeout      longest wait for the response headers, and longest stall between body bytes
 * @param attempts         total attempts, the first included, on connection errors, 429 and 5xx
 * @param backoffBase      first retry delay before jitter; doubles each attempt
 * @param backoffMax       the largest delay between attempts
 * @param maxRetryAfter    the longest Retry-After a server may ask for; longer fails the run at once
 * @param maxBytes         the largest body accepted
 */
public record FetchSettings(
        Duration connectTimeout,
        Duration readTimeout,
        int attempts,
        Duration backoffBase,
        Duration backoffMax,
        Duration maxRetryAfter,
        long maxBytes) {
    public static final FetchSettings DEFAULTS = new FetchSettings(
            Duration.ofSeconds(10),
            Duration.ofSeconds(60),
            5,
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            Duration.ofMinutes(5),
            1L << 30);

    public FetchSettings {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
    }
}
