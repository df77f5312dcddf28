package dev.sluice.notify;

import dev.sluice.Sleeper;
import dev.sluice.db.Database;
import dev.sluice.db.DatabaseException;
import dev.sluice.history.Change;
import dev.sluice.history.Run;
import dev.sluice.history.RunRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

    private final Database database;
    private final RunRepository runs;
    private final String pipeline;
    private final Map<String, NotificationChannel> channels;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration firstRetry;

    public NotificationDispatcher(Database database, RunRepository runs, String pipeline,
                                  Map<String, NotificationChannel> channels, Clock clock, Sleeper sleeper,
                                  Duration firstRetry) {
        this.database = database;
        this.runs = runs;
        this.pipeline = pipeline;
        this.channels = Map.copyOf(channels);
        this.clock = clock;
        this.sleeper = sleeper;
        this.firstRetry = firstRetry;
    }

    /** The wait after {@code attempts} failed attempts: the first retry, doubling, at most ten minutes. */
    Duration delayAfter(int attempts) {
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
        Optional<Boolean> attempt;
        while ((attempt = attemptOne()).isPresent()) {
            delivered += attempt.get() ? 1 : 0;
        }
        return delivered;
    }

    /**
     * Delivers a run's notifications, retrying until they are all delivered or given up, or until the next retry
     * would fall after {@code timeout}. Returns true when nothing of the run is left pending.
     */
    public boolean awaitRun(long runId, Duration timeout) {
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            deliverDue();
            Optional<Instant> next = nextAttempt(runId);
            if (next.isEmpty()) {
                return true;
            }
            if (!next.get().isBefore(deadline)) {
                return false;
            }
            try {
                sleeper.sleep(Duration.between(clock.instant(), next.get()).plusMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private Optional<Instant> nextAttempt(long runId) {
        try (Connection c = database.connect(); PreparedStatement st = c.prepareStatement("select min(next_attempt_at)"
                + " from sluice.notification_outbox where run_id = ? and status = 'PENDING' and channel = any(?)")) {
            st.setLong(1, runId);
            st.setArray(2, c.createArrayOf("text", channels.keySet().toArray()));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return Optional.ofNullable(rs.getTimestamp(1)).map(Timestamp::toInstant);
            }
        } catch (SQLException e) {
            throw DatabaseException.of("cannot read the notification outbox", e);
        }
    }

    /** Claims and attempts one due row: empty when none is due, else whether it was delivered. */
    private Optional<Boolean> attemptOne() {
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try {
                Optional<Boolean> result = attemptOne(c);
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

    private Optional<Boolean> attemptOne(Connection c) throws SQLException {
        long id;
        long runId;
        String channelName;
        int attempts;
        try (PreparedStatement st = c.prepareStatement("select o.id, o.run_id, o.channel, o.attempts"
                + " from sluice.notification_outbox o join sluice.runs r on r.id = o.run_id"
                + " where r.pipeline = ? and o.status = 'PENDING' and o.next_attempt_at <= ? and o.channel = any(?)"
                + " order by o.id limit 1 for update of o skip locked")) {
            st.setString(1, pipeline);
            st.setTimestamp(2, Timestamp.from(clock.instant()));
            st.setArray(3, c.createArrayOf("text", channels.keySet().toArray()));
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                id = rs.getLong(1);
                runId = rs.getLong(2);
                channelName = rs.getString(3);
                attempts = rs.getInt(4) + 1;
            }
        }
        Run run = runs.find(c, runId).orElseThrow();
        List<Change> changes = runs.changes(c, runId, Notification.MAX_CHANGES);
        Notification notification = new Notification(run, changes, run.inserted() + run.updated(), false);
        try {
            channels.get(channelName).deliver(notification);
            mark(c, id, "DELIVERED", attempts, null, null);
            LOG.info("notification of run {} delivered to {}", runId, channelName);
            return Optional.of(true);
        } catch (RuntimeException e) {
            String reason = DeliveryFailedException.reason(channelName, e);
            boolean giveUp = attempts >= MAX_ATTEMPTS;
            Instant next = clock.instant().plus(delayAfter(attempts));
            mark(c, id, giveUp ? "GAVE_UP" : "PENDING", attempts, shorten(reason), next);
            LOG.warn("notification of run {} to {} failed (attempt {}): {}{}", runId, channelName, attempts, reason,
                    giveUp ? "; giving up" : "; next attempt at " + next);
            return Optional.of(false);
        }
    }

    private void mark(Connection c, long id, String status, int attempts, String error, Instant next)
            throws SQLException {
        try (PreparedStatement st = c.prepareStatement("update sluice.notification_outbox set status = ?,"
                + " attempts = ?, last_error = ?, next_attempt_at = coalesce(?, next_attempt_at),"
                + " delivered_at = case when ? = 'DELIVERED' then ? else delivered_at end where id = ?")) {
            Timestamp now = Timestamp.from(clock.instant());
            st.setString(1, status);
            st.setInt(2, attempts);
            st.setString(3, error);
            st.setTimestamp(4, next == null ? null : Timestamp.from(next));
            st.setString(5, status);
            st.setTimestamp(6, now);
            st.setLong(7, id);
            st.executeUpdate();
        }
    }

    private static String shorten(String text) {
        return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS) + "...";
    }
}
