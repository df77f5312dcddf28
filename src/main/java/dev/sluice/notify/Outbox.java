package dev.sluice.notify;

import dev.sluice.config.ChannelSpec;
import dev.sluice.config.NotifyOn;
import dev.sluice.db.DatabaseException;
import dev.sluice.history.Delivery;
import dev.sluice.history.DeliveryStates;
import dev.sluice.history.DeliveryStatus;
import dev.sluice.history.FeedState;
import dev.sluice.history.FeedTransition;
import dev.sluice.history.Run;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sluice.notification_outbox}, notify's own table. A run's notifications are written here in the caller's
 * transaction: the one that records the run's outcome. So a notification exists if and only if the outcome was
 * recorded, whatever happens to the process or the channel afterwards. The history asks here where each run's
 * notifications stand ({@link DeliveryStates}).
 */
public final class Outbox implements DeliveryStates {
    private final Clock clock;

    public Outbox(Clock clock) {
        this.clock = clock;
    }

    /** One row per channel that wants this outcome; enqueueing again is a no-op. Returns the rows added. */
    public int enqueue(Connection connection, Run run, List<ChannelSpec> channels) {
        try {
            return insert(connection, "run_id", run.id(), run.pipeline(), NotifyOn.of(run.status()), channels);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot enqueue the notifications of run " + run.id(), e);
        }
    }

    /**
     * One row per channel that wants to hear of freshness ({@code on: late}) for a feed's transition, in the
     * transaction that records it.
     */
    public int enqueue(Connection connection, FeedTransition transition, List<ChannelSpec> channels) {
        try {
            return insert(connection, "event_id", transition.id(), transition.pipeline(), NotifyOn.LATE, channels);
        } catch (SQLException e) {
            throw DatabaseException.of(
                    "cannot enqueue the notifications of " + transition.pipeline() + "'s freshness", e);
        }
    }

    /** @param subject {@code run_id} or {@code event_id}: what the notification is of */
    private int insert(
            Connection connection, String subject, long id, String pipeline, NotifyOn kind, List<ChannelSpec> channels)
            throws SQLException {
        List<ChannelSpec> wanting =
                channels.stream().filter(c -> c.on().contains(kind)).toList();
        if (wanting.isEmpty()) {
            return 0;
        }
        try (PreparedStatement st = connection.prepareStatement("insert into sluice.notification_outbox (" + subject
                + ", pipeline, channel, next_attempt_at, created_at) values (?, ?, ?, ?, ?)"
                + " on conflict (" + subject + ", channel) do nothing")) {
            Timestamp now = Timestamp.from(clock.instant());
            for (ChannelSpec channel : wanting) {
                st.setLong(1, id);
                st.setString(2, pipeline);
                st.setString(3, channel.name());
                st.setTimestamp(4, now);
                st.setTimestamp(5, now);
                st.addBatch();
            }
            int added = 0;
            for (int count : st.executeBatch()) {
                added += Math.max(count, 0);
            }
            return added;
        }
    }

    /** A feed's transition, for its notification. */
    Optional<FeedTransition> transition(Connection c, long eventId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "select pipeline, source, state, at, reason, late_since" + " from sluice.feed_events where id = ?")) {
            st.setLong(1, eventId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new FeedTransition(
                        eventId,
                        rs.getString(1),
                        rs.getString(2),
                        FeedState.valueOf(rs.getString(3)),
                        rs.getTimestamp(4).toInstant(),
                        rs.getString(5),
                        Optional.ofNullable(rs.getTimestamp(6)).map(Timestamp::toInstant)));
            }
        }
    }

    @Override
    public Map<Long, List<Delivery>> of(Connection connection, Collection<Long> runIds) throws SQLException {
        Map<Long, List<Delivery>> deliveries = new LinkedHashMap<>();
        try (PreparedStatement st = connection.prepareStatement("select run_id, channel, status, attempts,"
                + " last_error, delivered_at from sluice.notification_outbox where run_id = any(?)"
                + " order by run_id, channel")) {
            st.setArray(1, connection.createArrayOf("bigint", runIds.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Timestamp delivered = rs.getTimestamp(6);
                    deliveries
                            .computeIfAbsent(rs.getLong(1), id -> new ArrayList<>())
                            .add(new Delivery(
                                    rs.getString(2),
                                    DeliveryStatus.valueOf(rs.getString(3)),
                                    rs.getInt(4),
                                    Optional.ofNullable(rs.getString(5)),
                                    Optional.ofNullable(delivered).map(Timestamp::toInstant)));
                }
            }
        }
        return deliveries;
    }

    @Override
    public List<Backlog> backlog(Connection connection) throws SQLException {
        List<Backlog> backlog = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement("select pipeline, channel, count(*)"
                        + " from sluice.notification_outbox where status = 'PENDING' group by 1, 2 order by 1, 2");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                backlog.add(new Backlog(rs.getString(1), rs.getString(2), rs.getLong(3)));
            }
        }
        return backlog;
    }

    /** A due notification, claimed for one attempt: of a run, or of a feed's transition (a null run id). */
    record Claimed(long id, Long runId, Long eventId, String channel, int attempt) {
        /** What the log calls it. */
        String subject() {
            return runId != null ? "run " + runId : "feed event " + eventId;
        }
    }

    /**
     * Claims the oldest due notification of a pipeline to one of {@code channels}, locking its row for the caller's
     * transaction ({@code FOR UPDATE SKIP LOCKED}: another process never claims it at the same time).
     */
    Optional<Claimed> claimDue(Connection c, String pipeline, Collection<String> channels) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("select id, run_id, event_id, channel, attempts"
                + " from sluice.notification_outbox where pipeline = ? and status = 'PENDING'"
                + " and next_attempt_at <= ? and channel = any(?) order by id limit 1 for update skip locked")) {
            st.setString(1, pipeline);
            st.setTimestamp(2, Timestamp.from(clock.instant()));
            st.setArray(3, c.createArrayOf("text", channels.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Claimed(
                                rs.getLong(1),
                                rs.getObject(2, Long.class),
                                rs.getObject(3, Long.class),
                                rs.getString(4),
                                rs.getInt(5) + 1))
                        : Optional.empty();
            }
        }
    }

    /** When the next attempt of a run's pending notifications to {@code channels} is due; empty when none is left. */
    Optional<Instant> nextAttempt(Connection c, long runId, Collection<String> channels) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("select min(next_attempt_at) from sluice.notification_outbox"
                + " where run_id = ? and status = 'PENDING' and channel = any(?)")) {
            st.setLong(1, runId);
            st.setArray(2, c.createArrayOf("text", channels.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return Optional.ofNullable(rs.getTimestamp(1)).map(Timestamp::toInstant);
            }
        }
    }

    /** Records an attempt's outcome on a claimed row, in the claiming transaction. */
    void mark(Connection c, Claimed claimed, DeliveryStatus status, Optional<String> error, Optional<Instant> next)
            throws SQLException {
        try (PreparedStatement st = c.prepareStatement("update sluice.notification_outbox set status = ?,"
                + " attempts = ?, last_error = ?, next_attempt_at = coalesce(?, next_attempt_at),"
                + " delivered_at = ? where id = ?")) {
            st.setString(1, status.name());
            st.setInt(2, claimed.attempt());
            st.setString(3, error.orElse(null));
            st.setTimestamp(4, next.map(Timestamp::from).orElse(null));
            st.setTimestamp(5, status == DeliveryStatus.DELIVERED ? Timestamp.from(clock.instant()) : null);
            st.setLong(6, claimed.id());
            st.executeUpdate();
        }
    }
}
