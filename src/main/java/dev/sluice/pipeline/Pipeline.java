package dev.sluice.pipeline;

import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.SluiceException;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SourceSpec;
import dev.sluice.db.Database;
import dev.sluice.db.DatabaseException;
import dev.sluice.extract.Download;
import dev.sluice.extract.PendingDownload;
import dev.sluice.extract.SourceCache;
import dev.sluice.extract.SourceDownloader;
import dev.sluice.extract.SourceRestartedException;
import dev.sluice.extract.SourceState;
import dev.sluice.extract.SourceStateRepository;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.history.RunOutcome;
import dev.sluice.history.RunRepository;
import dev.sluice.load.LoadOutcome;
import dev.sluice.load.LoadTransaction;
import dev.sluice.load.TargetLoader;
import dev.sluice.notify.ConsoleChannel;
import dev.sluice.notify.Outbox;
import dev.sluice.transform.InvalidRowsException;
import dev.sluice.transform.SourceReport;
import dev.sluice.transform.SourceValidator;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a pipeline: lock, extract, validate and stage, merge, record, notify. Every run is recorded with its
 * notifications, whatever its outcome, and the target changes only in the one transaction that also records the
 * run's success.
 */
public final class Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final Database database;
    private final SourceDownloader downloader;
    private final SourceCache cache;
    private final TargetLoader loader;
    private final RunRepository runs;
    private final SourceStateRepository states;
    private final RunRecorder recorder;
    private final SourceValidator.RowProgress progress;
    private final Set<RunSession> active = ConcurrentHashMap.newKeySet();

    public Pipeline(Database database, SourceDownloader downloader, SourceCache cache, TargetLoader loader,
                    RunRepository runs, SourceStateRepository states, Outbox outbox,
                    SourceValidator.RowProgress progress) {
        this.database = database;
        this.downloader = downloader;
        this.cache = cache;
        this.loader = loader;
        this.runs = runs;
        this.states = states;
        this.recorder = new RunRecorder(runs, states, outbox, new ConsoleChannel());
        this.progress = progress;
    }

    public Run run(PipelineSpec spec, RunRequest request) {
        try (RunSession session = RunSession.open(database, spec.name())) {
            active.add(session);
            try {
                return session.locked() ? runLocked(session, spec, request)
                        : recorder.skipped(session.connection(), spec, request.trigger());
            } finally {
                active.remove(session);
            }
        }
    }

    private Run runLocked(RunSession session, PipelineSpec spec, RunRequest request) {
        recorder.interrupted(session.connection(), spec);
        long runId = recorder.start(session.connection(), spec, request.trigger());
        Map<String, SourceState> known = Map.of();
        List<Download> downloads = List.of();
        List<PendingDownload> arriving = List.of();
        try {
            known = loadStates(session, spec);
            if (known.isEmpty()) {
                // A first load: no earlier body to compare with, so each body is read while it downloads.
                arriving = downloader.startAll(spec.sources());
                return loadAndKeep(session, spec, runId, SourceBodies.arriving(arriving), known);
            }
            downloads = downloader.fetchAll(spec.sources(), known);
            if (!request.force() && unchangedSinceLastLoad(session, spec, downloads)) {
                return recordUnchanged(session, spec, runId, downloads, known);
            }
            downloads = downloader.resolveBodies(spec.name(), spec.sources(), downloads);
            return loadAndKeep(session, spec, runId, SourceBodies.of(downloads), known);
        } catch (SluiceException e) {
            return recordFailure(session, spec, runId, fetched(downloads, arriving), known, e);
        } catch (RuntimeException e) {
            LOG.error("run {} of {} failed unexpectedly", runId, spec.name(), e);
            return recordFailure(session, spec, runId, fetched(downloads, arriving), known,
                    new SluiceException(ErrorKind.INTERNAL, "unexpected error: " + e, e));
        } finally {
            SourceDownloader.delete(downloads);
            arriving.forEach(PendingDownload::discard);
        }
    }

    /** What a failed run fetched, for its record: on a first load, the downloads that completed before it failed. */
    private static List<Download> fetched(List<Download> downloads, List<PendingDownload> arriving) {
        if (!downloads.isEmpty()) {
            return downloads;
        }
        return arriving.stream().flatMap(p -> p.completed().stream()).toList();
    }

    private Run loadAndKeep(RunSession session, PipelineSpec spec, long runId, SourceBodies bodies,
                            Map<String, SourceState> known) {
        long started = System.nanoTime();
        Run run = load(session, spec, runId, bodies, known);
        LOG.debug("run {}: downloaded, loaded and committed in {} ms", runId, (System.nanoTime() - started) / 1_000_000);
        cache.keep(spec.name(), bodies.finished());
        return run;
    }

    /** Validates and stages every source, merges, and records the run, all in one transaction. */
    private Run load(RunSession session, PipelineSpec spec, long runId, SourceBodies bodies,
                     Map<String, SourceState> known) {
        Connection connection = session.connection();
        LoadTransaction transaction = loader.begin(connection, spec, runId);
        Map<String, SourceReport> reports = new LinkedHashMap<>();
        SourceValidator validator = new SourceValidator(spec.invalidRows(), spec.maxProblems(), progress);
        for (SourceSpec source : spec.sources()) {
            reports.put(source.name(), transaction.stage(source, writer -> {
                SourceReport report = validator.validate(source, bodies.open(source), bodies.file(source),
                        writer::write);
                if (report.keysUnique()) {
                    writer.keysVerifiedUnique();
                }
                return report;
            }, SourceRestartedException.class::isInstance));
        }
        List<Download> downloads = bodies.finished();
        LoadOutcome outcome = transaction.merge();
        Map<String, Long> rows = new LinkedHashMap<>();
        reports.forEach((name, report) -> rows.put(name, report.rowsKept()));
        List<String> warnings = new ArrayList<>();
        reports.values().forEach(report -> warnings.addAll(report.warnings()));
        warnings.addAll(outcome.warnings());
        return recorder.finishAndCommit(connection, spec, runId, new RunOutcome(RunStatus.SUCCEEDED,
                outcome.inserted(), outcome.updated(), outcome.unchanged(), SourceSummaries.of(downloads, rows, known),
                warnings, Optional.empty(), outcome.changesLogged()), downloads, rows);
    }

    /**
     * Aborts the database connections of runs in progress (a service shutting down past its grace period): each
     * one's statement fails, its transaction rolls back, and it records itself as failed on a fresh connection.
     */
    public void abortRunning() {
        active.forEach(RunSession::abort);
    }

    private Map<String, SourceState> loadStates(RunSession session, PipelineSpec spec) {
        try {
            return states.load(session.connection(), spec.name());
        } catch (SQLException e) {
            throw DatabaseException.of("cannot read the source state of " + spec.name(), e);
        }
    }

    /**
     * Unchanged means: every body is the one last loaded, and the pipeline file is the one it was loaded with (a
     * new column or rule must reload even unchanged data).
     */
    private boolean unchangedSinceLastLoad(RunSession session, PipelineSpec spec, List<Download> downloads) {
        return downloads.stream().allMatch(Download::unchanged)
                && runs.lastLoadedFingerprint(session.connection(), spec.name())
                        .filter(spec.fingerprint()::equals).isPresent();
    }

    private Run recordUnchanged(RunSession session, PipelineSpec spec, long runId, List<Download> downloads,
                                Map<String, SourceState> known) {
        Map<String, Long> rows = new LinkedHashMap<>();
        known.forEach((name, state) -> rows.put(name, state.rows()));
        return recorder.finish(session.connection(), spec, runId, new RunOutcome(RunStatus.UNCHANGED, 0, 0, 0,
                SourceSummaries.of(downloads, Map.of(), known), List.of(), Optional.empty(), 0), downloads, rows);
    }

    /**
     * Rolls the load back and records the failure in a transaction of its own. When the run's connection is broken
     * (the database restarted, the network dropped), a fresh one records it; when none can, the exception
     * propagates and the RUNNING row is marked interrupted by the next run.
     */
    private Run recordFailure(RunSession session, PipelineSpec spec, long runId, List<Download> downloads,
                              Map<String, SourceState> known, SluiceException failure) {
        RunOutcome outcome = RunOutcome.failed(SourceSummaries.of(downloads, Map.of(), known), List.of(),
                RunError.of(failure, problems(failure)));
        if (session.rollback()) {
            try {
                return recorder.finish(session.connection(), spec, runId, outcome, List.of(), Map.of());
            } catch (DatabaseException e) {
                LOG.warn("cannot record the failure on the run's connection ({}); trying a new one", e.getMessage());
            }
        }
        try (Connection fresh = database.connect()) {
            return recorder.finish(fresh, spec, runId, outcome, List.of(), Map.of());
        } catch (SQLException e) {
            throw DatabaseException.of("cannot record the failure of run " + runId, e);
        }
    }

    private static List<RunError.Problem> problems(SluiceException failure) {
        if (!(failure instanceof InvalidRowsException invalid)) {
            return List.of();
        }
        return invalid.problems().stream()
                .map(p -> new RunError.Problem(p.source(), p.line(), p.column(), p.value(), p.reason())).toList();
    }
}
