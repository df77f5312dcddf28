package dev.sluice.history;

import dev.sluice.RunStatus;
import dev.sluice.ErrorKind;
import dev.sluice.db.DatabaseException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes {@code sluice.runs} and {@code sluice.change_log}. Every method takes the connection to use, so
 * that a run's outcome is written in the same transaction as its data.
 */
public final class RunRepository {
    private static final String COLUMNS = "id, pipeline, trigger, status, started_at, finished_at, inserted, updated,"
            + " unchanged, sources::text, warnings::text, error::text, changes_logged, (select coalesce(jsonb_agg("
            + "jsonb_build_object('channel', o.channel, 'status', o.status, 'attempts', o.attempts, 'lastError',"
            + " o.last_error, 'deliveredAt', o.delivered_at) order by o.channel), '[]')::text"
            + " from sluice.notification_outbox o where o.run_id = runs.id)";

    private final Clock clock;
    private final String host;

    public RunRepository(Clock clock) {
        this.clock = clock;
        this.host = hostName();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    /** Inserts a RUNNING row and returns its id. */
    public long start(Connection connection, String pipeline, Trigger trigger, String fingerprint) {
        try (PreparedStatement st = connection.prepareStatement("insert into sluice.runs (pipeline, trigger, status,"
                + " started_at, definition_sha256, host) values (?, ?, 'RUNNING', ?, ?, ?) returning id")) {
            st.setString(1, pipeline);
            st.setString(2, trigger.name());
            st.setTimestamp(3, Timestamp.from(clock.instant()));
            st.setString(4, fingerprint);
            st.setString(5, host);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw DatabaseException.of("cannot record the start of a run of " + pipeline, e);
        }
    }

    /** Writes a run's outcome over its RUNNING row, in the caller's transaction. */
    public Run finish(Connection connection, long id, RunOutcome outcome) {
        try (PreparedStatement st = connection.prepareStatement("update sluice.runs set status = ?, finished_at = ?,"
                + " inserted = ?, updated = ?, unchanged = ?, sources = ?::jsonb, warnings = ?::jsonb,"
                + " error = ?::jsonb, changes_logged = ? where id = ? returning " + COLUMNS)) {
            st.setString(1, outcome.status().name());
            st.setTimestamp(2, Timestamp.from(clock.instant()));
            st.setLong(3, outcome.inserted());
            st.setLong(4, outcome.updated());
            st.setLong(5, outcome.unchanged());
            st.setString(6, RunJson.write(RunJson.sourcesJson(outcome.sources())));
            st.setString(7, RunJson.write(RunJson.MAPPER.valueToTree(outcome.warnings())));
            st.setString(8, outcome.error().map(e -> RunJson.write(RunJson.errorJson(e))).orElse(null));
            st.setLong(9, outcome.changesLogged());
            st.setLong(10, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new DatabaseException("run " + id + " is not recorded", null);
                }
                return read(rs);
            }
        } catch (SQLException e) {
            throw DatabaseException.of("cannot record the outcome of run " + id, e);
        }
    }

    /** Records a run that did not start because another run of the pipeline holds the lock. */
    public Run recordSkipped(Connection connection, String pipeline, Trigger trigger, String fingerprint) {
        long id = start(connection, pipeline, trigger, fingerprint);
        return finish(connection, id, new RunOutcome(RunStatus.SKIPPED_LOCKED, 0, 0, 0, Map.of(),
                List.of("another run of " + pipeline + " is in progress; this one did nothing"), Optional.empty(), 0));
    }

    /**
     * Marks as failed the RUNNING rows of a pipeline whose lock the caller holds: their process died mid-run (a
     * kill, a crash, a lost machine). Their transaction was rolled back by PostgreSQL; only the record is left.
     */
    public List<Run> failInterrupted(Connection connection, String pipeline) {
        RunError error = new RunError(ErrorKind.INTERRUPTED, null, null, null, null,
                "the process running this run ended before it finished; nothing it loaded was committed", List.of());
        try (PreparedStatement st = connection.prepareStatement("update sluice.runs set status = 'FAILED',"
                + " finished_at = ?, error = ?::jsonb where pipeline = ? and status = 'RUNNING' returning " + COLUMNS)) {
            st.setTimestamp(1, Timestamp.from(clock.instant()));
            st.setString(2, RunJson.write(RunJson.errorJson(error)));
            st.setString(3, pipeline);
            List<Run> runs = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    runs.add(read(rs));
                }
            }
            return runs;
        } catch (SQLException e) {
            throw DatabaseException.of("cannot record interrupted runs of " + pipeline, e);
        }
    }

    /** The definition fingerprint of the last run that left the target matching its sources. */
    public Optional<String> lastLoadedFingerprint(Connection connection, String pipeline) {
        try (PreparedStatement st = connection.prepareStatement("select definition_sha256 from sluice.runs"
                + " where pipeline = ? and status in ('SUCCEEDED', 'UNCHANGED') order by id desc limit 1")) {
            st.setString(1, pipeline);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw DatabaseException.of("cannot read the last run of " + pipeline, e);
        }
    }

    /** Recent runs, newest first, optionally of one pipeline. */
    public List<Run> recent(Connection connection, int limit, Optional<String> pipeline) throws SQLException {
        String where = pipeline.isPresent() ? " where pipeline = ?" : "";
        try (PreparedStatement st = connection.prepareStatement("select " + COLUMNS + " from sluice.runs" + where
                + " order by id desc limit ?")) {
            int i = 1;
            if (pipeline.isPresent()) {
                st.setString(i++, pipeline.get());
            }
            st.setInt(i, limit);
            List<Run> runs = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    runs.add(read(rs));
                }
            }
            return runs;
        }
    }

    public Optional<Run> find(Connection connection, long id) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("select " + COLUMNS + " from sluice.runs where id = ?")) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** The changes a run logged, in key order. */
    public List<Change> changes(Connection connection, long runId, int limit) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("select run_id, seq, operation, key::text,"
                + " old_values::text, new_values::text from sluice.change_log where run_id = ? order by seq limit ?")) {
            st.setLong(1, runId);
            st.setInt(2, limit);
            List<Change> changes = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    changes.add(new Change(rs.getLong(1), rs.getInt(2), rs.getString(3), RunJson.parse(rs.getString(4)),
                            rs.getString(5) == null ? null : RunJson.parse(rs.getString(5)), RunJson.parse(rs.getString(6))));
                }
            }
            return changes;
        }
    }

    private static Run read(ResultSet rs) throws SQLException {
        Timestamp finished = rs.getTimestamp(6);
        String error = rs.getString(12);
        return new Run(rs.getLong(1), rs.getString(2), Trigger.valueOf(rs.getString(3)),
                RunStatus.valueOf(rs.getString(4)), rs.getTimestamp(5).toInstant(),
                Optional.ofNullable(finished).map(Timestamp::toInstant), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                RunJson.parseSources(rs.getString(10)), RunJson.parseWarnings(rs.getString(11)),
                Optional.ofNullable(error).map(RunJson::parseError), rs.getLong(13),
                RunJson.parseDeliveries(rs.getString(14)));
    }
}
