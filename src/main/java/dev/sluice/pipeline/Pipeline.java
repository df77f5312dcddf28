package dev.sluice.pipeline;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.config.InvalidRowPolicy;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SourceSpec;
import dev.sluice.db.Database;
import dev.sluice.db.DatabaseException;
import dev.sluice.extract.Download;
import dev.sluice.extract.Fetch;
import dev.sluice.extract.SourceFetcher;
import dev.sluice.extract.SourceFile;
import dev.sluice.extract.SourceRestartedException;
import dev.sluice.extract.SourceStateRepository;
import dev.sluice.health.FeedHealth;
import dev.sluice.history.ExpectationResult;
import dev.sluice.history.RejectedRows;
import dev.sluice.history.Run;
import dev.sluice.history.RunAudit;
import dev.sluice.history.RunError;
import dev.sluice.history.RunRepository;
import dev.sluice.load.Load;
import dev.sluice.load.LoadOutcome;
import dev.sluice.load.Publications;
import dev.sluice.load.SchemaPlan;
import dev.sluice.load.TargetLoader;
import dev.sluice.notify.ConsoleChannel;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.Outbox;
import dev.sluice.pipeline.RunRecorder.StartedRun;
import dev.sluice.settings.Tracing;
import dev.sluice.transform.CsvFile;
import dev.sluice.transform.SourceReport;
import dev.sluice.transform.SourceValidator;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
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
 * One run of a pipeline: lock, fetch, unchanged?, validate and stage each source, merge, record; then deliver.
 * Every run is recorded with its notifications, whatever its outcome, and the target changes only in the one
 * transaction that also records the run's success. Entry points: {@link #runAndDeliver}, which every front end
 * uses, and {@link #run}.
 */
public final class Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final Database database;
    private final SourceFetcher fetcher;
    private final TargetLoader loader;
    private final RunRecorder recorder;
    private final Notifier notifier;
    private final RunProgress progress;
    private final Clock clock;
    private final RejectedRows rejected;
    private final Set<RunSession> active = ConcurrentHashMap.newKeySet();
    /** Where each run's spans go, when tracing is on. */
    private final Optional<TraceExport> traces;

    public Pipeline(
            Database database,
            SourceFetcher fetcher,
            TargetLoader loader,
            RunRepository runs,
            SourceStateRepository states,
            Outbox outbox,
            Notifier notifier,
            RunProgress progress,
            Clock clock,
            RejectedRows rejected,
            Optional<Tracing> tracing) {
        this.database = database;
        this.traces = tracing.map(TraceExport::new);
        this.fetcher = fetcher;
        this.loader = loader;
        this.recorder = new RunRecorder(database, runs, states, outbox, new ConsoleChannel(), clock);
        this.notifier = notifier;
        this.progress = progress;
        this.clock = clock;
        this.rejected = rejected;
    }

    /**
     * Runs the pipeline and tells people: the run's notifications are delivered as {@code policy} says. A run that
     * could not even be recorded (no database) is logged and delivered straight to the channels.
     */
    public Run runAndDeliver(PipelineSpec spec, RunRequest request, DeliveryPolicy policy) {
        Instant started = clock.instant();
        RunSpans spans = traces.isPresent() ? new RunSpans(clock) : RunSpans.NONE;
        Run delivered;
        try {
            Run run = run(spec, request, spans);
            if (request.isDryRun()) {
                delivered = run; // told to nobody: it changed nothing
            } else {
                RunSpans.Span deliver = spans.start("deliver");
                delivered = notifier.deliver(run, spec, policy.patienceAt(clock.instant()));
                deliver.attribute(
                                "sluice.notifications",
                                delivered.notifications().size())
                        .end();
            }
        } catch (DatabaseException e) {
            Run unrecorded = recorder.announceUnrecorded(
                    Run.unrecorded(spec.name(), request.trigger(), started, clock.instant(), RunError.of(e)));
            delivered = notifier.deliverUnrecorded(unrecorded, spec, policy.patienceAt(clock.instant()));
        }
        Run traced = delivered;
        traces.ifPresent(export -> export.export(traced, spans.recorded(), clock.instant()));
        return delivered;
    }

    /**
     * Runs the pipeline once and records the outcome (its notifications wait in the outbox).
     *
     * @throws DatabaseException only when the database cannot record the run at all
     */
    public Run run(PipelineSpec spec, RunRequest request) {
        return run(spec, request, RunSpans.NONE);
    }

    private Run run(PipelineSpec spec, RunRequest request, RunSpans spans) {
        SourceFetcher.prepare(spec.sources());
        try (RunSession session = RunSession.open(database, spec.name())) {
            active.add(session);
            try {
                if (!session.locked()) {
                    return recorder.skipped(session, spec, request);
                }
                // A replica killed after its run committed leaves the due run to another: it was done.
                Optional<Run> done = recorder.doneFor(session, spec, request);
                if (done.isPresent()) {
                    LOG.info(
                            "the run of {} due at {} was done (run {})",
                            spec.name(),
                            request.scheduledFor().get(),
                            done.get().id());
                    return done.get();
                }
                StartedRun run = recorder.start(session, spec, request, clock.instant());
                Instant fetchStarted = clock.instant();
                try (Fetch fetch = fetcher.fetch(spec.name(), spec.sources(), run.lastLoaded())) {
                    Run loaded = load(session, run, fetch, spans);
                    // Each file fetched: from the fetch's start (they are fetched together) to its last byte.
                    fetch.completed()
                            .forEach(d -> spans.add(
                                    "fetch " + d.source() + (d.file() == null ? "" : " " + d.file()),
                                    fetchStarted,
                                    d.finishedAt(),
                                    Map.of(
                                            "sluice.source", d.source(),
                                            "sluice.bytes", String.valueOf(d.bytes()),
                                            "sluice.freshness", d.freshness().name())));
                    return loaded;
                } catch (OutOfMemoryError e) {
                    // What the run held is garbage now: enough is free again to record it, and the process goes on.
                    return recorder.failed(session, run, List.of(), outOfMemory(run, e));
                }
            } finally {
                active.remove(session);
            }
        }
    }

    /**
     * Unchanged? Validate and stage each source, guard, merge, record: all in one transaction, all or nothing.
     */
    private Run load(RunSession session, StartedRun run, Fetch fetch, RunSpans spans) {
        try {
            if (run.mayEndUnchanged() && fetch.unchangedBeforeReading()) {
                return recorder.unchanged(session, run, fetch.downloads());
            }
            LOG.debug("run {}: sources fetched far enough to read", run.id());
            PipelineSpec spec = run.spec();
            Load load = loader.begin(session.connection(), spec, run.id(), run.startedAt());
            Map<String, SourceReport> reports = stageEach(session, run, fetch, load, spans);
            LOG.debug("run {}: sources staged ({})", run.id(), load.plan());
            if (run.mayEndUnchanged() && fetch.downloads().stream().allMatch(Download::unchanged)) {
                return recorder.unchanged(session, run, fetch.downloads());
            }
            PublicationGuards guards = new PublicationGuards(spec, run.request());
            guards.checkRows(reports, run.lastLoaded());
            RunSpans.Span merge = spans.start("merge");
            LoadOutcome merged = load.merge(publications(fetch.downloads()));
            merge.attribute("sluice.inserted", merged.rows().inserted())
                    .attribute("sluice.updated", merged.rows().updated())
                    .attribute("sluice.deleted", merged.rows().deleted())
                    .end();
            LOG.debug("run {}: merged", run.id());
            guards.checkChanges(merged.rows());
            RunSpans.Span expectations = spans.start("expectations");
            RunAudit audit = new RunAudit(
                    run.request().isDryRun(),
                    load.check(spec, run.id(), merged.rows()),
                    merged.revisions(),
                    merged.comparison());
            expectations
                    .attribute("sluice.expectations", audit.expectations().size())
                    .end();
            if (audit.expectations().stream().anyMatch(ExpectationResult::blocks)) {
                throw new ExpectationFailedException(audit);
            }
            if (spec.invalidRows().policy() == InvalidRowPolicy.QUARANTINE) {
                rejected.prune(
                        session.connection(), spec.name(), spec.invalidRows().keptRuns());
            }
            List<String> warnings = new ArrayList<>(fetch.warnings());
            warnings.addAll(SourceSummaries.newColumns(spec, reports, fetch.downloads(), run.lastLoaded()));
            warnings.addAll(guards.overridden());
            audit.failed().forEach(r -> warnings.add("expectation '" + r.name() + "' failed (warn): " + r.message()));
            RunSpans.Span commit = spans.start("commit");
            Run recorded = recorder.succeeded(session, run, merged, reports, fetch.downloads(), warnings, audit);
            commit.end();
            if (!run.request().isDryRun()) {
                fetch.keep();
                load.keep();
            }
            return recorded;
        } catch (SluiceException e) {
            return recorder.failed(session, run, fetch.completed(), e);
        } catch (RuntimeException e) {
            LOG.error("run {} of {} failed unexpectedly", run.id(), run.spec().name(), e);
            return recorder.failed(
                    session,
                    run,
                    fetch.completed(),
                    new SluiceException(ErrorKind.INTERNAL, "unexpected error: " + e, e));
        } catch (OutOfMemoryError e) {
            return recorder.failed(session, run, fetch.completed(), outOfMemory(run, e));
        }
    }

    private static SluiceException outOfMemory(StartedRun run, OutOfMemoryError e) {
        LOG.error("run {} of {} ran out of memory", run.id(), run.spec().name(), e);
        return new SluiceException(
                ErrorKind.INTERNAL,
                "ran out of memory (" + e.getMessage() + "); the run is recorded and the process goes on: give it"
                        + " more heap (-Xmx), or tell us what the pipeline reads",
                e);
    }

    /** The sha256 and the name of each file read, by source: an append table adds each file once. */
    private static Publications publications(List<Download> downloads) {
        Map<String, List<String>> sha256 = new LinkedHashMap<>();
        Map<String, List<String>> files = new LinkedHashMap<>();
        downloads.forEach(d -> {
            sha256.computeIfAbsent(d.source(), s -> new ArrayList<>()).add(d.sha256());
            files.computeIfAbsent(d.source(), s -> new ArrayList<>()).add(d.url());
        });
        return new Publications(sha256, files);
    }

    /**
     * Each source's files, validated while they are read, into the load: a source whose body restarted is read
     * again. With quarantine, its invalid rows are kept aside while it streams and stored once its COPY has ended.
     */
    private Map<String, SourceReport> stageEach(
            RunSession session, StartedRun run, Fetch fetch, Load load, RunSpans spans) {
        PipelineSpec spec = run.spec();
        SourceValidator validator = new SourceValidator(spec.invalidRows(), progress);
        boolean quarantine = spec.invalidRows().policy() == InvalidRowPolicy.QUARANTINE;
        Map<String, SourceReport> reports = new LinkedHashMap<>();
        for (SourceSpec source : spec.sources()) {
            List<SourceFile> files = fetch.files(source.name());
            List<CsvFile> csv = files.stream()
                    .map(file -> new CsvFile(file.label(), file.body()::open))
                    .toList();
            List<RejectedRows.Batch> batch = new ArrayList<>(1);
            RunSpans.Span stage = spans.start("validate and stage " + source.name());
            try {
                reports.put(
                        source.name(),
                        load.stage(
                                source,
                                files.stream().map(SourceFile::label).toList(),
                                writer -> {
                                    if (!quarantine) {
                                        return validator.validate(source, csv, writer::write);
                                    }
                                    // A source read again (its body restarted) starts its rejected rows again.
                                    batch.forEach(RejectedRows.Batch::close);
                                    batch.clear();
                                    RejectedRows.Batch current = rejected.open(run.id(), spec.name(), source.name());
                                    batch.add(current);
                                    return validator.validate(
                                            source,
                                            csv,
                                            writer::write,
                                            (problem, raw) -> current.add(
                                                    problem.file(),
                                                    problem.line(),
                                                    problem.column(),
                                                    problem.value(),
                                                    problem.reason(),
                                                    raw));
                                },
                                SourceRestartedException.class::isInstance));
                batch.forEach(b -> rejected.store(session.connection(), b));
                stage.attribute("sluice.source", source.name())
                        .attribute("sluice.rows", reports.get(source.name()).rowsKept())
                        .end();
            } finally {
                batch.forEach(RejectedRows.Batch::close);
            }
        }
        return reports;
    }

    /**
     * Judges the pipeline's freshness now, between runs: a transition is recorded and its notifications wait in the
     * outbox, as a run's do.
     */
    public FeedHealth.Evaluation judgeFreshness(PipelineSpec spec) {
        return recorder.judgeFreshness(spec, true);
    }

    /** The pipeline's freshness as of now, judged and not recorded: for {@code sluice status}. */
    public FeedHealth.Evaluation freshnessNow(PipelineSpec spec) {
        return recorder.judgeFreshness(spec, false);
    }

    /** The DDL of a pipeline's target, as a run would create it: for {@code sluice check}. */
    public static String targetDefinition(PipelineSpec spec) {
        return TargetLoader.createStatement(spec);
    }

    /** What a run would do to the target's schema in this database, without doing it: {@code sluice check --db}. */
    public static TargetPlan targetPlan(Connection connection, PipelineSpec spec) {
        SchemaPlan plan = TargetLoader.plan(connection, spec);
        return new TargetPlan(plan.describe(), plan.failure().isPresent());
    }

    /**
     * Aborts the database connections of runs in progress (a service shutting down past its grace period): each
     * one's statement fails, its transaction rolls back, and it records itself as failed on a fresh connection.
     */
    public void abortRunning() {
        active.forEach(RunSession::abort);
    }
}
