package dev.sluice.cli;

import dev.sluice.RunStatus;
import dev.sluice.config.PipelineSpec;
import dev.sluice.db.Database;
import dev.sluice.db.DatabaseException;
import dev.sluice.extract.SourceDownloader;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.history.RunJson;
import dev.sluice.history.RunRepository;
import dev.sluice.history.Trigger;
import dev.sluice.notify.ConsoleChannel;
import dev.sluice.pipeline.RunRequest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice run}: one run of a pipeline. Exit 0 succeeded or unchanged, 1 failed, 2 usage, 3 skipped. */
@Command(name = "run", description = "Run a pipeline once: download, validate, merge, upsert, record.")
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    private final Services services;

    @Mixin
    PipelineOption pipeline = new PipelineOption();

    @Mixin
    DatabaseOption database = new DatabaseOption();

    @Option(names = "--source", paramLabel = "NAME=URL",
            description = "Read a source from another URL or a local file for this run (a mirror, a local copy).")
    Map<String, String> sources = new LinkedHashMap<>();

    @Option(names = "--json", description = "Print the run as one JSON object on stdout.")
    boolean json;

    @Option(names = "--force", description = "Load even when every source is unchanged since the last load.")
    boolean force;

    @Option(names = "--notify-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long to keep retrying this run's notifications before exiting (default ${DEFAULT-VALUE});"
                    + " what is not delivered stays in the outbox for the next run or for sluice serve.")
    int notifyTimeout;

    public RunCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() {
        PipelineSpec spec = services.readPipeline(pipeline.pipeline).withSourceUrls(SourceOverrides.parse(sources));
        boolean watched = services.interactive() && !json;
        Progress progress = watched ? new Progress(services.err()) : Progress.NONE;
        if (watched) {
            services.quietInfoLogs();
        }
        Run run;
        Instant started = services.clock().instant();
        SourceDownloader.prepare(spec.sources());
        try (Database db = services.openDatabase(database.url())) {
            run = services.pipeline(db, progress).run(spec, new RunRequest(Trigger.CLI, force));
            progress.done();
            run = deliverNotifications(db, spec, run);
        } catch (DatabaseException e) {
            // Nothing could record this failure: no database, or it went away and did not come back in time. The
            // outbox lives there too, so the channels are told directly.
            run = unrecorded(spec, started, e);
        } finally {
            progress.done();
        }
        if (json) {
            services.out().println(RunJson.toJson(run).toString());
        } else if (watched) {
            RunPrinter.summary(services.out(), run);
        } else {
            RunPrinter.line(services.out(), run);
        }
        return run.status().exitCode();
    }

    /**
     * Delivers the run's notifications from the outbox, waiting at most the notify timeout, and returns the run as
     * recorded now, with their state. The run is recorded whatever happens here: a database lost at this point
     * leaves the notifications in the outbox for the next run or for {@code sluice serve}.
     */
    private Run deliverNotifications(Database db, PipelineSpec spec, Run run) {
        try {
            services.dispatcher(db, spec).awaitRun(run.id(), Duration.ofSeconds(Math.max(0, notifyTimeout)));
            try (Connection c = db.connect()) {
                return new RunRepository(services.clock()).find(c, run.id()).orElse(run);
            }
        } catch (DatabaseException | SQLException e) {
            LOG.warn("{} of {} is recorded, but its notifications stay in the outbox: {}", run.label(), run.pipeline(),
                    e.getMessage());
            return run;
        }
    }

    private Run unrecorded(PipelineSpec spec, Instant started, DatabaseException failure) {
        Run run = new Run(Run.UNRECORDED, spec.name(), Trigger.CLI, RunStatus.FAILED, started,
                Optional.of(services.clock().instant()), 0, 0, 0, Map.of(), List.of(),
                Optional.of(RunError.of(failure, List.of())), 0, List.of());
        new ConsoleChannel().announce(run);
        return run.withNotifications(services.directDelivery(spec).deliver(run, spec.notifications(),
                Duration.ofSeconds(Math.max(0, notifyTimeout))));
    }
}
