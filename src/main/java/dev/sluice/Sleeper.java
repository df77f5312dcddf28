package dev.sluice;

import java.time.Duration;

/** Waits between attempts (downloads, deliveries). Injected so that tests of retries and backoff do not sleep. */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
