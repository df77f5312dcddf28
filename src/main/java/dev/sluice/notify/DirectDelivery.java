package dev.sluice.notify;

import dev.sluice.Sleeper;
import dev.sluice.config.ChannelSpec;
import dev.sluice.config.NotifyOn;
import dev.sluice.history.Delivery;
import dev.sluice.history.DeliveryStatus;
import dev.sluice.history.Run;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a run that could not be recorded straight to its channels. The outbox lives in the database, so when
 * the database is what failed, this is the only way the people on call hear of it: each channel that wants the
 * outcome is tried, and retried with the outbox's backoff until the deadline. What is not delivered by then is
 * lost, and the log says so.
 */
final class DirectDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(DirectDelivery.class);

    private final Map<String, NotificationChannel> channels;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration firstRetry;

    DirectDelivery(Map<String, NotificationChannel> channels, Clock clock, Sleeper sleeper, Duration firstRetry) {
        this.channels = Map.copyOf(channels);
        this.clock = clock;
        this.sleeper = sleeper;
        this.firstRetry = firstRetry;
    }

    /** Delivers {@code run} to every channel of {@code specs} that wants its outcome; returns what happened. */
    List<Delivery> deliver(Run run, List<ChannelSpec> specs, Duration timeout) {
        Instant deadline = clock.instant().plus(timeout);
        Notification notification = Notification.of(run, List.of());
        List<Delivery> deliveries = new ArrayList<>();
        for (ChannelSpec spec : specs) {
            NotificationChannel channel = channels.get(spec.name());
            if (channel != null && spec.on().contains(NotifyOn.of(run.status()))) {
                deliveries.add(deliver(channel, notification, deadline));
            }
        }
        return deliveries;
    }

    private Delivery deliver(NotificationChannel channel, Notification notification, Instant deadline) {
        for (int attempts = 1; ; attempts++) {
            try {
                channel.deliver(notification);
                LOG.info("notification of the unrecorded run delivered to {}", channel.name());
                return new Delivery(
                        channel.name(),
                        DeliveryStatus.DELIVERED,
                        attempts,
                        Optional.empty(),
                        Optional.of(clock.instant()));
            } catch (RuntimeException e) {
                String reason = DeliveryFailedException.reason(channel.name(), e);
                Duration delay = NotificationDispatcher.delayAfter(firstRetry, attempts);
                if (!clock.instant().plus(delay).isBefore(deadline) || !pause(delay)) {
                    LOG.error(
                            "notification of the unrecorded run to {} failed after {} attempts and is lost: {}",
                            channel.name(),
                            attempts,
                            reason);
                    return new Delivery(
                            channel.name(), DeliveryStatus.GAVE_UP, attempts, Optional.of(reason), Optional.empty());
                }
                LOG.warn(
                        "notification of the unrecorded run to {} failed (attempt {}): {}",
                        channel.name(),
                        attempts,
                        reason);
            }
        }
    }

    private boolean pause(Duration delay) {
        try {
            sleeper.sleep(delay);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
