package dev.sluice.pipeline;

import dev.sluice.RunStatus;
import dev.sluice.SluiceException;
import dev.sluice.config.PipelineSpec;
import dev.sluice.db.Database;
import dev.sluice.db.DatabaseException;
import dev.sluice.extract.Download;
import dev.sluice.extract.SourceState;
import dev.sluice.extract.SourceStateRepository;
import dev.sluice.health.FeedHealth;
import dev.sluice.history.Change;
import dev.sluice.history.ChangeLog;
import dev.sluice.history.Run;
import dev.sluice.history.RunAudit;
import dev.sluice.history.RunError;
import dev.sluice.history.RunOutcome;
import dev.sluice.history.RunRepository;
import dev.sluice.history.Trigger;
import dev.sluice.load.LoadOutcome;
import dev.sluice.notify.ConsoleChannel;
import dev.sluice.notify.Outbox;
import dev.sluice.transform.InvalidRowsException;
import dev.sluice.transform.SourceReport;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a run: its RUNNING row when it starts, and its outcome with its notifications in the outbox and (when
 * data was loaded or confirmed unchanged) the sources' state, all in one transaction; then announces it on the
 * console. Every path through a run ends here, so no outcome goes unrecorded or unnotified.
 */
final class RunRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(RunRecorder.class);

    private final Database database;
    private final RunRepository runs;
    private final SourceStateRepository states;
    private final Outbox outbox;
    private final ConsoleChannel console;
    private final FeedHealth health;
    private final Clock clock;

    RunRecorder(
            Database database,
            RunRepository runs,
            SourceStateRepository states,
            Outbox outbox,
            ConsoleChannel console,
            Clock clock) {
        this.database = database;
        this.runs = runs;
        this.states = states;
        this.outbox = outbox;
        this.console = console;
        this.health = new FeedHealth(outbox);
        this.clock = clock;
    }

    /**
     * A run in progress, with what the last good load of its pipeline left: the sources' state and whether the
     * pipeline file is the same.
     */
    record StartedRun(
            long id,
            PipelineSpec spec,
            RunRequest request,
            Map<String, List<SourceState>> lastLoaded,
            Optional<String> lastFingerprint,
            Instant startedAt) {
        /** Whether bodies all found unchanged may end the run as UNCHANGED: not forced, and the same definition. */
        boolean mayEndUnchanged() {
            return request.reload() == RunRequest.Reload.WHEN_CHANGED
                    && lastFingerprint.filter(spec.fingerprint()::equals).isPresent();
        }
    }

    Run skipped(RunSession session, PipelineSpec spec, RunRequest request) {
        return announce(inTransaction(session.connection(), c -> {
            Run run = runs.recordSkipped(c, spec.name(), request.trigger(), spec.fingerprint());
            outbox.enqueue(c, run, spec.notifications());
            return run;
        }));
    }

    /** The run already done for a scheduled time, when the scheduler hands the same due run over twice. */
    Optional<Run> doneFor(RunSession session, PipelineSpec spec, RunRequest request) {
        if (request.scheduledFor().isEmpty()) {
            return Optional.empty();
        }
        try {
            return runs.doneFor(
                    session.connection(), spec.name(), request.scheduledFor().get());
        } catch (SQLException e) {
            throw DatabaseException.of("cannot read the runs of " + spec.name(), e);
        }
    }

    /**
     * Starts a run whose lock the session holds: first records as interrupted the runs a dead process left RUNNING
     * (nobody else can be running them), then inserts this one's RUNNING row.
     */
    StartedRun start(RunSession session, PipelineSpec spec, RunRequest request, Instant startedAt) {
        Connection connection = session.connection();
        inTransaction(connection, c -> {
                    List<Run> interrupted = runs.failInterrupted(c, spec.name());
                    interrupted.stream()
                            .filter(run -> !run.audit().dryRun())
                            .forEach(run -> outbox.enqueue(c, run, spec.notifications()));
                    return interrupted;
                })
                .forEach(this::announce);
        Map<String, List<SourceState>> lastLoaded;
        try {
            lastLoaded = states.load(connection, spec.name());
        } catch (SQLException e) {
            throw DatabaseException.of("cannot read the source state of " + spec.name(), e);
        }
        Optional<String> lastFingerprint =
                runs.lastGoodLoad(connection, spec.name()).map(RunRepository.GoodLoad::fingerprint);
        long id = runs.start(
                connection, spec.name(), request.trigger(), spec.fingerprint(), startedAt, request.scheduledFor());
        if (request.isDryRun()) {
            runs.markDryRun(connection, id);
        }
        return new StartedRun(id, spec, request, lastLoaded, lastFingerprint, startedAt);
    }

    /** Every body is the one last loaded: whatever the load staged is rolled back, and the state refreshed. */
    Run unchanged(RunSession session, StartedRun run, List<Download> downloads) {
        session.rollback();
        ToLongFunction<Download> rows = SourceSummaries.rows(Map.of(), run.lastLoaded());
        return record(
                session.connection(),
                run,
                RunOutcome.unchanged(SourceSummaries.of(run.spec(), downloads, rows))
                        .withAudit(run.request().isDryRun() ? RunAudit.NONE.asDryRun() : RunAudit.NONE),
                downloads,
                rows);
    }

    /** Records a load's success in its own transaction, still open on the session, and commits it all. */
    Run succeeded(
            RunSession session,
            StartedRun run,
            LoadOutcome outcome,
            Map<String, SourceReport> reports,
            List<Download> downloads,
            List<String> fetchWarnings,
            RunAudit audit) {
        ToLongFunction<Download> rows = SourceSummaries.rows(reports, run.lastLoaded());
        List<String> warnings = new ArrayList<>(fetchWarnings);
        reports.values().forEach(report -> warnings.addAll(report.warnings()));
        warnings.addAll(outcome.warnings());
        RunOutcome succeeded = RunOutcome.succeeded(
                        outcome.rows(),
                        SourceSummaries.of(run.spec(), downloads, rows),
                        warnings,
                        outcome.changesLogged())
                .withAudit(audit);
        if (!run.request().isDryRun()) {
            return commit(session.connection(), run, succeeded, downloads, rows, SourceSummaries.headers(reports));
        }
        // A dry run keeps the first of its changes to show, and rolls everything else back.
        Connection connection = session.connection();
        try {
            List<Change> sample = ChangeLog.read(connection, run.id(), DRY_RUN_CHANGES);
            session.rollback();
            connection.setAutoCommit(false);
            ChangeLog.insert(connection, run.id(), run.spec().name(), sample);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot record dry run " + run.id(), e);
        }
        return commit(connection, run, succeeded, List.of(), d -> 0, d -> List.of());
    }

    /** The changes a dry run keeps in its change log, for people to see what a run would do. */
    static final int DRY_RUN_CHANGES = 100;

    /**
     * Rolls the load back and records the failure in a transaction of its own. When the run's connection is broken
     * (the database restarted, the network dropped), a fresh one records it; when none can, the exception
     * propagates and the RUNNING row is marked interrupted by the next run.
     */
    Run failed(RunSession session, StartedRun run, List<Download> fetched, SluiceException failure) {
        RunAudit audit =
                failure instanceof ExpectationFailedException expectations ? expectations.audit() : RunAudit.NONE;
        RunOutcome outcome = RunOutcome.failed(
                        SourceSummaries.of(run.spec(), fetched, SourceSummaries.rows(Map.of(), run.lastLoaded())),
                        error(failure))
                .withAudit(run.request().isDryRun() ? audit.asDryRun() : audit);
        if (session.rollback()) {
            try {
                return record(session.connection(), run, outcome, List.of(), d -> 0);
            } catch (DatabaseException e) {
                LOG.warn("cannot record the failure on the run's connection ({}); trying a new one", e.getMessage());
            }
        }
        try (Connection fresh = database.connect()) {
            return record(fresh, run, outcome, List.of(), d -> 0);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot record the failure of run " + run.id(), e);
        }
    }

    private static RunError error(SluiceException failure) {
        if (!(failure instanceof InvalidRowsException invalid)) {
            return RunError.of(failure);
        }
        return RunError.of(
                failure,
                invalid.problems().stream()
                        .map(p ->
                                new RunError.Problem(p.source(), p.file(), p.line(), p.column(), p.value(), p.reason()))
                        .toList(),
                invalid.problemCount());
    }

    /** Opens a transaction and does {@link #commit}. */
    private Run record(
            Connection connection,
            StartedRun run,
            RunOutcome outcome,
            List<Download> downloads,
            ToLongFunction<Download> rows) {
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            throw DatabaseException.of(
                    "cannot record run " + run.id() + " of " + run.spec().name(), e);
        }
        return commit(connection, run, outcome, downloads, rows, d -> List.of());
    }

    /**
     * Finishes a run inside the connection's open transaction and commits it. With {@code downloads}, the sources'
     * state is saved too: only a committed load (or a confirmed unchanged run) may update what the next run's
     * conditional GET sends.
     */
    private Run commit(
            Connection connection,
            StartedRun started,
            RunOutcome outcome,
            List<Download> downloads,
            ToLongFunction<Download> rows,
            Function<Download, List<String>> headers) {
        try {
            if (outcome.audit().dryRun()) {
                // Nothing of a dry run is kept but its record: no sources' state, no freshness, nobody told.
                Run run = runs.finish(connection, started.id(), outcome);
                connection.commit();
                connection.setAutoCommit(true);
                return announce(run);
            }
            if (!downloads.isEmpty()) {
                states.save(connection, started.spec().name(), downloads, rows, headers, started.startedAt());
            }
            if (started.request().trigger() == Trigger.BACKFILL) {
                // A past publication replayed: recorded like any run, but its freshness is history and nobody is
                // told (a backfill of two years would send two years of messages).
                Run run = runs.finish(connection, started.id(), outcome);
                connection.commit();
                connection.setAutoCommit(true);
                return announce(run);
            }
            // Judged with what this run leaves behind, so an unchanged run of a late source says so.
            FeedHealth.Evaluation freshness = health.evaluate(
                    connection,
                    started.spec(),
                    clock.instant(),
                    outcome.status() == RunStatus.SUCCEEDED,
                    states.lastChanged(connection, started.spec().name()));
            Run run = runs.finish(connection, started.id(), outcome.withMoreWarnings(freshness.lateWarnings()));
            outbox.enqueue(connection, run, started.spec().notifications());
            health.tell(connection, started.spec(), freshness);
            connection.commit();
            connection.setAutoCommit(true);
            freshness.transitions().forEach(console::announce);
            return announce(run);
        } catch (SQLException e) {
            throw DatabaseException.of(
                    "cannot record run " + started.id() + " of "
                            + started.spec().name(),
                    e);
        }
    }

    /**
     * Judges a pipeline's freshness in a transaction of its own, and tells the console of its transitions. Without
     * {@code record} the transaction is rolled back: the verdicts as of now, and nothing written or told.
     */
    FeedHealth.Evaluation judgeFreshness(PipelineSpec spec, boolean record) {
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try {
                FeedHealth.Evaluation evaluation = health.evaluate(
                        connection, spec, clock.instant(), false, states.lastChanged(connection, spec.name()));
                if (record) {
                    health.tell(connection, spec, evaluation);
                    connection.commit();
                    evaluation.transitions().forEach(console::announce);
                } else {
                    connection.rollback();
                }
                return evaluation;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException e) {
            throw DatabaseException.of("cannot judge the freshness of " + spec.name(), e);
        }
    }

    /** Tells the console of a run that could not be recorded (the database is unreachable). */
    Run announceUnrecorded(Run run) {
        return announce(run);
    }

    private Run announce(Run run) {
        console.announce(run);
        return run;
    }

    private static <T> T inTransaction(Connection connection, Function<Connection, T> work) {
        try {
            connection.setAutoCommit(false);
            T result = work.apply(connection);
            connection.commit();
            connection.setAutoCommit(true);
            return result;
        } catch (SQLException e) {
            rollbackQuietly(connection);
            throw DatabaseException.of("cannot record the run", e);
        } catch (RuntimeException e) {
            rollbackQuietly(connection);
            throw e;
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
            connection.setAutoCommit(true);
        } catch (SQLException ignored) {
            // The connection is broken; the caller's session discards it.
        }
    }
}
