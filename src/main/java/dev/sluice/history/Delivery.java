package dev.sluice.history;

import java.time.Instant;
import java.util.Optional;

/**
 * A run's notification to one channel, as the outbox knows it.
 *
 * @param lastError why the last attempt failed, never containing a secret
 */
public record Delivery(
        String channel,
        DeliveryStatus status,
        int attempts,
        Optional<String> lastError,
        Optional<Instant> deliveredAt) {}
