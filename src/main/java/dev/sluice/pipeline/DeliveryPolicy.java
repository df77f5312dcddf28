package dev.sluice.pipeline;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a front end waits for a run's notifications after the run: each is attempted at once and retried with
 * backoff for at most {@code patience}; what is still undelivered then stays in the outbox, where the background
 * dispatcher (serve's loop, the next {@code sluice run}) retries it.
 *
 * @param patience how long retries may go on before the caller moves on
 */
public record DeliveryPolicy(Duration patience) {
    public DeliveryPolicy {
        Objects.requireNonNull(patience, "patience");
        if (patience.isNegative()) {
            throw new IllegalArgumentException("patience is never negative: " + patience);
        }
    }

    /** Retry for at most {@code patience} ({@code sluice run}: its process ends after). */
    public static DeliveryPolicy waitUpTo(Duration patience) {
        return new DeliveryPolicy(patience);
    }

    /** One attempt now; the background dispatcher retries the rest (a serving process). */
    public static DeliveryPolicy handOver() {
        return new DeliveryPolicy(Duration.ZERO);
    }
}
