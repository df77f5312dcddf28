package dev.sluice.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How a source is downloaded. Defaults are listed in the README's pipeline file reference and in
 * {@link #DEFAULTS}; keep both in step. Built from {@link #DEFAULTS} with the {@code with...} methods.
 *
 * @param connectTimeout time to establish a connection
 * @param readTimeout    longest wait for the response headers, and longest stall between body bytes
 * @param deadline       longest time for the whole fetch of the source, retries and redirects included
 * @param minRate        the slowest transfer accepted, over a window
 * @param attempts       total attempts, the first included, on connection errors, 429 and 5xx
 * @param backoffBase    first retry delay before jitter; doubles each attempt
 * @param backoffMax     the largest delay between attempts
 * @param maxRetryAfter  the longest Retry-After a server may ask for; longer fails the run at once
 * @param maxBytes       the largest body accepted, and the largest CSV a compressed body may unpack to
 * @param maxRatio       the most a compressed body may expand, once past its first MiB: a bomb fails early
 */
public record FetchSettings(
        Duration connectTimeout,
        Duration readTimeout,
        Duration deadline,
        MinimumRate minRate,
        int attempts,
        Duration backoffBase,
        Duration backoffMax,
        Duration maxRetryAfter,
        long maxBytes,
        int maxRatio) {

    /**
     * A body must arrive at {@code bytesPerSecond} on average over every {@code over} (after its first window): a
     * server that trickles a byte now and then, never stalling long enough for the read timeout, fails instead of
     * holding the run, and its lock, for hours.
     */
    public record MinimumRate(long bytesPerSecond, Duration over) {
        public MinimumRate {
            Objects.requireNonNull(over, "over");
            if (bytesPerSecond < 0 || over.isNegative() || over.isZero()) {
                throw new IllegalArgumentException("a rate of bytes per second over a positive window");
            }
        }

        /** The fewest bytes every window must bring. */
        public long bytesPerWindow() {
            return Math.multiplyExact(bytesPerSecond, Math.max(1, over.toSeconds()));
        }
    }

    public static final FetchSettings DEFAULTS = new FetchSettings(
            Duration.ofSeconds(10),
            Duration.ofSeconds(60),
            Duration.ofMinutes(30),
            new MinimumRate(1024, Duration.ofMinutes(1)),
            5,
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            Duration.ofMinutes(5),
            1L << 30,
            250);

    public FetchSettings {
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(minRate, "minRate");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        if (maxRatio < 1) {
            throw new IllegalArgumentException("maxRatio must be positive");
        }
    }

    public FetchSettings withTimeouts(Duration connect, Duration read) {
        return new FetchSettings(
                connect, read, deadline, minRate, attempts, backoffBase, backoffMax, maxRetryAfter, maxBytes, maxRatio);
    }

    public FetchSettings withRetries(int attemptCount, Duration base, Duration max, Duration retryAfterLimit) {
        return new FetchSettings(
                connectTimeout,
                readTimeout,
                deadline,
                minRate,
                attemptCount,
                base,
                max,
                retryAfterLimit,
                maxBytes,
                maxRatio);
    }

    public FetchSettings withMaxBytes(long limit) {
        return new FetchSettings(
                connectTimeout,
                readTimeout,
                deadline,
                minRate,
                attempts,
                backoffBase,
                backoffMax,
                maxRetryAfter,
                limit,
                maxRatio);
    }

    public FetchSettings withDeadline(Duration limit) {
        return new FetchSettings(
                connectTimeout,
                readTimeout,
                limit,
                minRate,
                attempts,
                backoffBase,
                backoffMax,
                maxRetryAfter,
                maxBytes,
                maxRatio);
    }

    public FetchSettings withMinRate(MinimumRate rate) {
        return new FetchSettings(
                connectTimeout,
                readTimeout,
                deadline,
                rate,
                attempts,
                backoffBase,
                backoffMax,
                maxRetryAfter,
                maxBytes,
                maxRatio);
    }
}
