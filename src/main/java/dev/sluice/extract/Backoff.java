package dev.sluice.extract;

import dev.sluice.Sleeper;
import dev.sluice.config.FetchSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Delays between attempts: exponential ({@code base * 2^(attempt-1)}, capped at the maximum) with "equal
 * jitter" (half fixed, half random), so that many clients retrying together spread out instead of hammering the
 * server in step. A server's Retry-After wins when it gives one.
 */
final class Backoff {
    private final FetchSettings settings;
    private final RandomGenerator random;

    Backoff(FetchSettings settings, RandomGenerator random) {
        this.settings = settings;
        this.random = random;
    }

    /** The delay after failed attempt number {@code attempt} (1-based). */
    Duration delay(int attempt, Optional<Duration> retryAfter) {
        if (retryAfter.isPresent()) {
            return retryAfter.get();
        }
        long base = settings.backoffBase().toMillis();
        long max = settings.backoffMax().toMillis();
        long exponential = attempt >= 31 ? max : Math.min(max, base << (attempt - 1));
        long half = exponential / 2;
        return Duration.ofMillis(half + (half > 0 ? random.nextLong(half + 1) : 0));
    }

    /** Waits {@code delay} before the next attempt; interrupted, the download is cancelled, not retried. */
    static void pause(Sleeper sleeper, String source, Duration delay) {
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SourceUnavailableException.lastingFailure(source, source + ": interrupted while waiting to retry", e);
        }
    }
}
