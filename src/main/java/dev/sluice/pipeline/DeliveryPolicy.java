package dev.sluice.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long a front end waits for a run's notifications after the run: each is attempted at once and retried with
 * backoff for at most {@code patience}, and never past {@code deadline}; what is still undelivered then stays in the
 * outbox, where the background dispatcher (serve's loop, the next {@code sluice run} or Lambda invocation) retries
 * it.
 *
 * @param patience how long retries may go on before the caller moves on
 * @param deadline when the caller must have moved on whatever the patience ({@link Instant#MAX}: no such moment)
 */
public record DeliveryPolicy(Duration patience, Instant deadline) {
    public DeliveryPolicy {
        Objects.requireNonNull(patience, "patience");
        Objects.requireNonNull(deadline, "deadline");
        if (patience.isNegative()) {
            throw new IllegalArgumentException("patience is never negative: " + patience);
        }
    }

    /** Retry for at most {@code patience} ({@code sluice run}: its process ends after). */
    public static DeliveryPolicy waitUpTo(Duration patience) {
        return new DeliveryPolicy(patience, Instant.MAX);
    }

    /** One attempt now; the background dispatcher retries the rest (a serving process). */
    public static DeliveryPolicy handOver() {
        return new DeliveryPolicy(Duration.ZERO, Instant.MAX);
    }

    /**
     * The same, ending by {@code moment} at the latest: a Lambda function is frozen when it returns and killed at
     * its timeout, so it must stop retrying in time to answer.
     */
    public DeliveryPolicy endingBy(Instant moment) {
        return new DeliveryPolicy(patience, moment.isBefore(deadline) ? moment : deadline);
    }

    /** How long retries may still go on, at {@code now}, the run being over. */
    public Duration patienceAt(Instant now) {
        if (!now.isBefore(deadline)) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, deadline);
        return left.compareTo(patience) < 0 ? left : patience;
    }
}
