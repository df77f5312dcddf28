package dev.sluice.history;

import java.time.Instant;
import java.util.Optional;

/**
 * A run's notification to one channel, as the outbox knows it.
 *
 * @param status      {@code PENDING} (to be delivered or retried), {@code DELIVERED}, or {@code GAVE_UP} after the
 *                    last attempt
 * @param lastError   why the last attempt failed, never containing a secret
 */
public record Delivery(String channel, String status, int attempts, Optional<String> lastError,
                       Optional<Instant> deliveredAt) {
}
