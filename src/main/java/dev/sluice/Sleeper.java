package dev.sluice;

import java.time.Duration;

/**
 * Waits between attempts (downloads, deliveries). Injected so that tests of retries and backoff do not sleep. Callers
 * pass a wait they clamped; the real sleeper does not sleep a wait that is not positive all the same, where
 * {@code Thread.sleep} would throw.
 */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = duration -> {
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        Thread.sleep(duration.toMillis());
    };

    void sleep(Duration duration) throws InterruptedException;
}
