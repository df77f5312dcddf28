package dev.sluice.notify;

import dev.sluice.config.ChannelSpec;
import dev.sluice.db.DatabaseException;
import dev.sluice.history.Run;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;

/**
 * Writes a run's notifications into {@code sluice.notification_outbox}, in the caller's transaction: the one that
 * records the run's outcome. So a notification exists if and only if the outcome was recorded, whatever happens to
 * the process or the channel afterwards.
 */
public final class Outbox {
    private final Clock clock;

    public Outbox(Clock clock) {
        this.clock = clock;
    }

    /** One row per channel that wants this outcome; enqueueing again is a no-op. Returns the rows added. */
    public int enqueue(Connection connection, Run run, List<ChannelSpec> channels) {
        List<ChannelSpec> wanting = channels.stream().filter(c -> c.on().contains(run.status())).toList();
        if (wanting.isEmpty()) {
            return 0;
        }
        try (PreparedStatement st = connection.prepareStatement("insert into sluice.notification_outbox"
                + " (run_id, channel, next_attempt_at, created_at) values (?, ?, ?, ?)"
                + " on conflict (run_id, channel) do nothing")) {
            Timestamp now = Timestamp.from(clock.instant());
            for (ChannelSpec channel : wanting) {
                st.setLong(1, run.id());
                st.setString(2, channel.name());
                st.setTimestamp(3, now);
                st.setTimestamp(4, now);
                st.addBatch();
            }
            int added = 0;
            for (int count : st.executeBatch()) {
                added += Math.max(count, 0);
            }
            return added;
        } catch (SQLException e) {
            throw DatabaseException.of("cannot enqueue the notifications of run " + run.id(), e);
        }
    }
}
