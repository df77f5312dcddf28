package dev.sluice.pipeline;

import dev.sluice.config.PipelineSpec;
import dev.sluice.db.DatabaseException;
import dev.sluice.extract.Download;
import dev.sluice.extract.SourceStateRepository;
import dev.sluice.history.Run;
import dev.sluice.history.RunOutcome;
import dev.sluice.history.RunRepository;
import dev.sluice.history.Trigger;
import dev.sluice.notify.ConsoleChannel;
import dev.sluice.notify.Outbox;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Records a run's outcome: the run row, its notifications in the outbox and (when data was loaded or confirmed
 * unchanged) the sources' state, all in one transaction; then announces it on the console. Every path through a
 * run ends here, so no outcome goes unrecorded or unnotified.
 */
final class RunRecorder {
    private final RunRepository runs;
    private final SourceStateRepository states;
    private final Outbox outbox;
    private final ConsoleChannel console;

    RunRecorder(RunRepository runs, SourceStateRepository states, Outbox outbox, ConsoleChannel console) {
        this.runs = runs;
        this.states = states;
        this.outbox = outbox;
        this.console = console;
    }

    long start(Connection connection, PipelineSpec spec, Trigger trigger) {
        return runs.start(connection, spec.name(), trigger, spec.fingerprint());
    }

    Run skipped(Connection connection, PipelineSpec spec, Trigger trigger) {
        return announce(inTransaction(connection, c -> {
            Run run = runs.recordSkipped(c, spec.name(), trigger, spec.fingerprint());
            outbox.enqueue(c, run, spec.notifications());
            return run;
        }));
    }

    /** Runs left RUNNING by a process that died: the caller holds the lock, so nobody is running them. */
    void interrupted(Connection connection, PipelineSpec spec) {
        inTransaction(connection, c -> {
            List<Run> interrupted = runs.failInterrupted(c, spec.name());
            interrupted.forEach(run -> outbox.enqueue(c, run, spec.notifications()));
            return interrupted;
        }).forEach(this::announce);
    }

    /**
     * Finishes a run inside the caller's open transaction and commits it. With {@code downloads}, the sources'
     * state is saved too: only a committed load (or a confirmed unchanged run) may update what the next run's
     * conditional GET sends.
     */
    Run finishAndCommit(Connection connection, PipelineSpec spec, long runId, RunOutcome outcome,
                        List<Download> downloads, Map<String, Long> rows) {
        try {
            Run run = runs.finish(connection, runId, outcome);
            outbox.enqueue(connection, run, spec.notifications());
            if (!downloads.isEmpty()) {
                states.save(connection, spec.name(), downloads, rows);
            }
            connection.commit();
            connection.setAutoCommit(true);
            return announce(run);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot record run " + runId + " of " + spec.name(), e);
        }
    }

    /** Opens a transaction and does {@link #finishAndCommit}. */
    Run finish(Connection connection, PipelineSpec spec, long runId, RunOutcome outcome, List<Download> downloads,
               Map<String, Long> rows) {
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot record run " + runId + " of " + spec.name(), e);
        }
        return finishAndCommit(connection, spec, runId, outcome, downloads, rows);
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
