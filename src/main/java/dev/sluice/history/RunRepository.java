package dev.sluice.history;

import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.db.DatabaseException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads and writes {@code sluice.runs}: the only class that queries it. Every method takes the connection to use,
 * so that a run's outcome is written in the same transaction as its data. Runs are shown with their notifications'
 * state, which the outbox's owner tells through {@link DeliveryStates}.
 */
public final class RunRepository {
    private static final String COLUMNS = "id, pipeline, trigger, status, started_at, finished_at, inserted, updated,"
            + " unchanged, sources::text, warnings::text, error::text, changes_logged, deleted, dry_run,"
            + " expectations::text, revisions::text, comparison";

    private final Clock clock;
    private final DeliveryStates deliveries;
    private final String host;

    public RunRepository(Clock clock, DeliveryStates deliveries) {
        this.clock = clock;
        this.deliveries = deliveries;
        this.host = hostName();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    /** The last run that left the target matching its sources: SUCCEEDED, or UNCHANGED. */
    public record GoodLoad(long runId, String fingerprint, Instant finishedAt) {}

    /** Inserts a RUNNING row started at {@code startedAt} and returns its id. */
    public long start(
            Connection connection,
            String pipeline,
            Trigger trigger,
            String fingerprint,
            Instant startedAt,
            Optional<Instant> scheduledFor) {
        try (PreparedStatement st = connection.prepareStatement("insert into sluice.runs (pipeline, trigger, status,"
                + " started_at, definition_sha256, host, scheduled_for) values (?, ?, 'RUNNING', ?, ?, ?, ?)"
                + " returning id")) {
            st.setString(1, pipeline);
            st.setString(2, trigger.name());
            st.setTimestamp(3, Timestamp.from(startedAt));
            st.setString(4, fingerprint);
            st.setString(5, host);
            st.setTimestamp(6, scheduledFor.map(Timestamp::from).orElse(null));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw DatabaseException.of("cannot record the start of a run of " + pipeline, e);
        }
    }

    /**
     * The run that ended for a pipeline's schedule due at {@code dueAt}, if one did (a run killed mid-way is not one:
     * it ended INTERRUPTED, and is done again).
     */
    public Optional<Run> doneFor(Connection connection, String pipeline, Instant dueAt) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("select " + COLUMNS + " from sluice.runs where"
                + " pipeline = ? and scheduled_for = ? and status <> 'RUNNING' and coalesce(error->>'kind', '') <>"
                + " 'INTERRUPTED' order by id desc limit 1")) {
            st.setString(1, pipeline);
            st.setTimestamp(2, Timestamp.from(dueAt));
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(read(rs, List.of())) : Optional.empty();
            }
        }
    }

    /** Writes a run's outcome over its RUNNING row, in the caller's transaction. */
    public Run finish(Connection connection, long id, RunOutcome outcome) {
        try (PreparedStatement st = connection.prepareStatement("update sluice.runs set status = ?, finished_at = ?,"
                + " inserted = ?, updated = ?, unchanged = ?, sources = ?::jsonb, warnings = ?::jsonb,"
                + " error = ?::jsonb, changes_logged = ?, deleted = ?, dry_run = ?, expectations = ?::jsonb,"
                + " revisions = ?::jsonb, comparison = ? where id = ? returning " + COLUMNS)) {
            st.setString(1, outcome.status().name());
            st.setTimestamp(2, Timestamp.from(clock.instant()));
            st.setLong(3, outcome.rows().inserted());
            st.setLong(4, outcome.rows().updated());
            st.setLong(5, outcome.rows().unchanged());
            st.setString(6, RunJson.write(RunJson.sourcesJson(outcome.sources())));
            st.setString(7, RunJson.write(RunJson.MAPPER.valueToTree(outcome.warnings())));
            st.setString(
                    8,
                    outcome.error()
                            .map(e -> RunJson.write(RunJson.errorJson(e)))
                            .orElse(null));
            st.setLong(9, outcome.changesLogged());
            st.setLong(10, outcome.rows().deleted());
            st.setBoolean(11, outcome.audit().dryRun());
            st.setString(
                    12, RunJson.write(RunJson.expectationsJson(outcome.audit().expectations())));
            st.setString(
                    13,
                    outcome.audit()
                            .revisions()
                            .map(r -> RunJson.write(RunJson.revisionsJson(r)))
                            .orElse(null));
            String comparison = outcome.audit().comparison();
            st.setString(14, comparison.isEmpty() ? null : comparison);
            st.setLong(15, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new DatabaseException("run " + id + " is not recorded", null);
                }
                return read(rs, List.of());
            }
        } catch (SQLException e) {
            throw DatabaseException.of("cannot record the outcome of run " + id, e);
        }
    }

    /** How often each expectation of each pipeline failed, by severity: for the metrics. */
    public record ExpectationFailures(String pipeline, String expectation, String severity, long failures) {}

    public List<ExpectationFailures> expectationFailures(Connection connection) throws SQLException {
        List<ExpectationFailures> failures = new ArrayList<>();
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("select pipeline, e->>'name', e->>'severity', count(*) from sluice.runs,"
                        + " jsonb_array_elements(expectations) e where not dry_run and not (e->>'passed')::boolean"
                        + " group by 1, 2, 3 order by 1, 2, 3")) {
            while (rs.next()) {
                failures.add(new ExpectationFailures(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
            }
        }
        return failures;
    }

    /** Marks a started run as a dry run: if its process dies, it is recorded interrupted and told to nobody. */
    public void markDryRun(Connection connection, long id) {
        try (PreparedStatement st = connection.prepareStatement("update sluice.runs set dry_run = true where id = ?")) {
            st.setLong(1, id);
            st.executeUpdate();
        } catch (SQLException e) {
            throw DatabaseException.of("cannot record run " + id + " as a dry run", e);
        }
    }

    /** Records a run that did not start because another run of the pipeline holds the lock. */
    public Run recordSkipped(Connection connection, String pipeline, Trigger trigger, String fingerprint) {
        long id = start(connection, pipeline, trigger, fingerprint, clock.instant(), Optional.empty());
        return finish(
                connection,
                id,
                RunOutcome.skipped("another run of " + pipeline + " is in progress; this one did nothing"));
    }

    /**
     * Marks as failed the RUNNING rows of a pipeline whose lock the caller holds: their process died mid-run (a
     * kill, a crash, a lost machine). Their transaction was rolled back by PostgreSQL; only the record is left.
     */
    public List<Run> failInterrupted(Connection connection, String pipeline) {
        RunError error = RunError.of(
                ErrorKind.INTERRUPTED,
                "the process running this run ended before it finished; nothing it loaded was committed");
        try (PreparedStatement st = connection.prepareStatement("update sluice.runs set status = 'FAILED',"
                + " finished_at = ?, error = ?::jsonb where pipeline = ? and status = 'RUNNING' returning "
                + COLUMNS)) {
            st.setTimestamp(1, Timestamp.from(clock.instant()));
            st.setString(2, RunJson.write(RunJson.errorJson(error)));
            st.setString(3, pipeline);
            List<Run> runs = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    runs.add(read(rs, List.of()));
                }
            }
            return runs;
        } catch (SQLException e) {
            throw DatabaseException.of("cannot record interrupted runs of " + pipeline, e);
        }
    }

    /** The last run that left the target matching its sources, if any. */
    public Optional<GoodLoad> lastGoodLoad(Connection connection, String pipeline) {
        try (PreparedStatement st = connection.prepareStatement("select id, definition_sha256, finished_at"
                + " from sluice.runs where pipeline = ? and status in ('SUCCEEDED', 'UNCHANGED') and not dry_run"
                + " order by id desc limit 1")) {
            st.setString(1, pipeline);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next()
                        ? Optional.of(new GoodLoad(
                                rs.getLong(1),
                                rs.getString(2),
                                rs.getTimestamp(3).toInstant()))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw DatabaseException.of("cannot read the last run of " + pipeline, e);
        }
    }

    /** Recent runs, newest first, optionally of one pipeline, with their notifications. */
    public List<Run> recent(Connection connection, int limit, Optional<String> pipeline) throws SQLException {
        return recent(connection, limit, pipeline, Optional.empty());
    }

    /** The same, only runs older than {@code before}: the next page. */
    public List<Run> recent(Connection connection, int limit, Optional<String> pipeline, Optional<Long> before)
            throws SQLException {
        String where = " where (?::text is null or pipeline = ?) and (?::bigint is null or id < ?)";
        List<Run> runs = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement(
                "select " + COLUMNS + " from sluice.runs" + where + " order by id desc limit ?")) {
            st.setString(1, pipeline.orElse(null));
            st.setString(2, pipeline.orElse(null));
            st.setObject(3, before.orElse(null), java.sql.Types.BIGINT);
            st.setObject(4, before.orElse(null), java.sql.Types.BIGINT);
            st.setInt(5, limit);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    runs.add(read(rs, List.of()));
                }
            }
        }
        return withDeliveries(connection, runs);
    }

    /** One run with its notifications. */
    public Optional<Run> find(Connection connection, long id) throws SQLException {
        try (PreparedStatement st =
                connection.prepareStatement("select " + COLUMNS + " from sluice.runs where id = ?")) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(
                        withDeliveries(connection, List.of(read(rs, List.of()))).get(0));
            }
        }
    }

    private List<Run> withDeliveries(Connection connection, List<Run> runs) throws SQLException {
        if (runs.isEmpty()) {
            return runs;
        }
        Map<Long, List<Delivery>> states =
                deliveries.of(connection, runs.stream().map(Run::id).toList());
        return runs.stream()
                .map(run -> run.withNotifications(states.getOrDefault(run.id(), List.of())))
                .toList();
    }

    /** Every pipeline's run history in figures, for {@code /metrics}; in pipeline order. */
    public List<PipelineStatistics> statistics(Connection connection) throws SQLException {
        Map<String, Map<RunStatus, Long>> byStatus = new LinkedHashMap<>();
        Map<String, Duration> last = new LinkedHashMap<>();
        List<PipelineStatistics> statistics = new ArrayList<>();
        try (Statement st = connection.createStatement()) {
            try (ResultSet rs = st.executeQuery(
                    "select pipeline, status, count(*) from sluice.runs where not dry_run group by 1, 2")) {
                while (rs.next()) {
                    byStatus.computeIfAbsent(rs.getString(1), p -> new EnumMap<>(RunStatus.class))
                            .put(RunStatus.valueOf(rs.getString(2)), rs.getLong(3));
                }
            }
            try (ResultSet rs = st.executeQuery("select distinct on (pipeline) pipeline, (extract(epoch from"
                    + " finished_at - started_at) * 1000)::bigint from sluice.runs where finished_at is not null"
                    + " and not dry_run"
                    + " order by pipeline, id desc")) {
                while (rs.next()) {
                    last.put(rs.getString(1), Duration.ofMillis(rs.getLong(2)));
                }
            }
            try (ResultSet rs = st.executeQuery("select pipeline, count(finished_at), coalesce((sum(extract(epoch from"
                    + " finished_at - started_at)) * 1000)::bigint, 0), coalesce(sum(inserted) filter (where status ="
                    + " 'SUCCEEDED'), 0), coalesce(sum(updated) filter (where status = 'SUCCEEDED'), 0),"
                    + " coalesce(sum(unchanged) filter (where status = 'SUCCEEDED'), 0), max(finished_at) filter"
                    + " (where status in ('SUCCEEDED', 'UNCHANGED')), count(*) filter (where status = 'RUNNING'),"
                    + " coalesce(sum(deleted) filter (where status = 'SUCCEEDED'), 0)"
                    + PipelineStatistics.DURATION_BUCKETS.stream()
                            .map(le -> ", count(*) filter (where finished_at - started_at <= interval '" + le
                                    + " seconds')")
                            .collect(java.util.stream.Collectors.joining())
                    + " from sluice.runs where not dry_run group by 1 order by 1")) {
                while (rs.next()) {
                    String pipeline = rs.getString(1);
                    Timestamp success = rs.getTimestamp(7);
                    List<Long> within = new ArrayList<>();
                    for (int i = 0; i < PipelineStatistics.DURATION_BUCKETS.size(); i++) {
                        within.add(rs.getLong(10 + i));
                    }
                    statistics.add(new PipelineStatistics(
                            pipeline,
                            byStatus.getOrDefault(pipeline, Map.of()),
                            rs.getLong(2),
                            Duration.ofMillis(rs.getLong(3)),
                            Optional.ofNullable(last.get(pipeline)),
                            new RowCounts(rs.getLong(4), rs.getLong(5), rs.getLong(9), rs.getLong(6)),
                            Optional.ofNullable(success).map(Timestamp::toInstant),
                            rs.getLong(8),
                            within));
                }
            }
        }
        return statistics;
    }

    /** Notifications not delivered yet, by pipeline and channel. */
    public List<DeliveryStates.Backlog> notificationBacklog(Connection connection) throws SQLException {
        return deliveries.backlog(connection);
    }

    /** The scheduler's task of every pipeline's scheduled runs, one instance per pipeline (schedule package). */
    public static final String SCHEDULED_RUN_TASK = "sluice-pipeline";

    /**
     * Scheduled runs that are due and that no process has started yet (every replica busy with as many runs as it
     * takes), by pipeline: they wait their turn, never dropped.
     */
    public java.util.Map<String, Long> waitingRuns(Connection connection) throws SQLException {
        java.util.Map<String, Long> waiting = new java.util.TreeMap<>();
        try (PreparedStatement st = connection.prepareStatement("select task_instance, count(*) from"
                + " sluice.scheduled_tasks where task_name = ? and not picked and execution_time <= now()"
                + " group by task_instance")) {
            st.setString(1, SCHEDULED_RUN_TASK);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    waiting.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return waiting;
    }

    private static Run read(ResultSet rs, List<Delivery> notifications) throws SQLException {
        Timestamp finished = rs.getTimestamp(6);
        String error = rs.getString(12);
        return new Run(
                rs.getLong(1),
                rs.getString(2),
                Trigger.valueOf(rs.getString(3)),
                RunStatus.valueOf(rs.getString(4)),
                rs.getTimestamp(5).toInstant(),
                Optional.ofNullable(finished).map(Timestamp::toInstant),
                new RowCounts(rs.getLong(7), rs.getLong(8), rs.getLong(14), rs.getLong(9)),
                RunJson.parseSources(rs.getString(10)),
                RunJson.parseWarnings(rs.getString(11)),
                Optional.ofNullable(error).map(RunJson::parseError),
                rs.getLong(13),
                notifications,
                new RunAudit(
                        rs.getBoolean(15),
                        RunJson.parseExpectations(rs.getString(16)),
                        Optional.ofNullable(rs.getString(17)).map(RunJson::parseRevisions),
                        Objects.requireNonNullElse(rs.getString(18), "")));
    }
}
