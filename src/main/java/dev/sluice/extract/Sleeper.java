package dev.sluice.extract;

import java.time.Duration;

/** Waits between attempts. Injected so that tests of retries and backoff do not sleep. */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
