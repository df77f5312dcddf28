package dev.sluice.notify;

import dev.sluice.Sleeper;
import dev.sluice.db.Database;
import dev.sluice.db.DatabaseException;
import dev.sluice.history.ChangeLog;
import dev.sluice.history.DeliveryStatus;
import dev.sluice.history.Run;
import dev.sluice.history.RunRepository;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one pipeline's pending notifications from the outbox. Each row is claimed with
 * {@code FOR UPDATE SKIP LOCKED}, so several processes (a {@code sluice run} and a {@code sluice serve}, or
 * replicas) never deliver the same row at once; it is marked delivered in the same transaction. A failed attempt
 * is retried with exponential backoff ({@link #delayAfter}) until {@link #MAX_ATTEMPTS}, then given up. Rows of
 * channels this process does not know (configured elsewhere) are left for the process that does.
 */
public final class NotificationDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);
    /** About two and a half hours of attempts with the default first retry of 2 s. */
    public static final int MAX_ATTEMPTS = 20;

    private static final Duration MAX_DELAY = Duration.ofMinutes(10);
    private static final int MAX_ERROR_CHARS = 500;

    /** What one claim found. */
    private enum Attempt {
        NONE_DUE,
        DELIVERED,
        FAILED
    }

    private final Database database;
    private final RunRepository runs;
    private final Outbox outbox;
    private final String pipeline;
    private final Map<String, NotificationChannel> channels;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration firstRetry;

    NotificationDispatcher(
            Database database,
            RunRepository runs,
            Outbox outbox,
            String pipeline,
            Map<String, NotificationChannel> channels,
            Clock clock,
            Sleeper sleeper,
            Duration firstRetry) {
        this.database = database;
        this.runs = runs;
        this.outbox = outbox;
        this.pipeline = pipeline;
        this.channels = Map.copyOf(channels);
        this.clock = clock;
        this.sleeper = sleeper;
        this.firstRetry = firstRetry;
    }

    /** The wait after {@code attempts} failed attempts: the first retry, doubling, at most ten minutes. */
    public Duration delayAfter(int attempts) {
        return delayAfter(firstRetry, attempts);
    }

    static Duration delayAfter(Duration firstRetry, int attempts) {
        long millis = firstRetry.toMillis() << Math.min(attempts - 1, 30);
        return millis <= 0 || millis > MAX_DELAY.toMillis() ? MAX_DELAY : Duration.ofMillis(millis);
    }

    /** Delivers every due notification of the pipeline; returns how many were delivered. */
    public int deliverDue() {
        if (channels.isEmpty()) {
            return 0;
        }
        int delivered = 0;
        Attempt attempt;
        while ((attempt = attemptOne()) != Attempt.NONE_DUE) {
            delivered += attempt == Attempt.DELIVERED ? 1 : 0;
        }
        return delivered;
    }

    /**
     * Delivers a run's notifications, retrying until they are all delivered or given up, or until the next retry
     * would fall after {@code patience}. Returns true when nothing of the run is left pending.
     */
    public boolean settle(long runId, Duration patience) {
        Instant deadline = clock.instant().plus(patience);
        while (true) {
            deliverDue();
            Optional<Instant> next = nextAttempt(runId);
            if (next.isEmpty()) {
                return true;
            }
            if (!next.get().isBefore(deadline)) {
                return false;
            }
            // The next attempt may already be due by now (a slow machine, a long delivery): never a negative wait.
            Duration wait = Duration.between(clock.instant(), next.get()).plusMillis(10);
            try {
                sleeper.sleep(wait.isNegative() ? Duration.ZERO : wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private Optional<Instant> nextAttempt(long runId) {
        if (channels.isEmpty()) {
            return Optional.empty();
        }
        try (Connection c = database.connect()) {
            return outbox.nextAttempt(c, runId, channels.keySet());
        } catch (SQLException e) {
            throw DatabaseException.of("cannot read the notification outbox", e);
        }
    }

    /** Claims and attempts one due row, in a transaction of its own. */
    private Attempt attemptOne() {
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try {
                Attempt result = attemptOne(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw DatabaseException.of("cannot deliver notifications of " + pipeline, e);
        }
    }

    private Attempt attemptOne(Connection c) throws SQLException {
        Optional<Outbox.Claimed> due = outbox.claimDue(c, pipeline, channels.keySet());
        if (due.isEmpty()) {
            return Attempt.NONE_DUE;
        }
        Outbox.Claimed claimed = due.get();
        Notification notification;
        if (claimed.runId() != null) {
            Run run = runs.find(c, claimed.runId()).orElseThrow();
            notification = Notification.of(run, ChangeLog.read(c, claimed.runId(), Notification.MAX_CHANGES));
        } else {
            notification =
                    Notification.of(outbox.transition(c, claimed.eventId()).orElseThrow());
        }
        try {
            channels.get(claimed.channel()).deliver(notification);
            outbox.mark(c, claimed, DeliveryStatus.DELIVERED, Optional.empty(), Optional.empty());
            LOG.info("notification of {} delivered to {}", claimed.subject(), claimed.channel());
            return Attempt.DELIVERED;
        } catch (RuntimeException e) {
            String reason = DeliveryFailedException.reason(claimed.channel(), e);
            boolean giveUp = claimed.attempt() >= MAX_ATTEMPTS;
            Instant next = clock.instant().plus(delayAfter(firstRetry, claimed.attempt()));
            outbox.mark(
                    c,
                    claimed,
                    giveUp ? DeliveryStatus.GAVE_UP : DeliveryStatus.PENDING,
                    Optional.of(shorten(reason)),
                    Optional.of(next));
            LOG.warn(
                    "notification of {} to {} failed (attempt {}): {}{}",
                    claimed.subject(),
                    claimed.channel(),
                    claimed.attempt(),
                    reason,
                    giveUp ? "; giving up" : "; next attempt at " + next);
            return Attempt.FAILED;
        }
    }

    private static String shorten(String text) {
        return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS) + "...";
    }
}
