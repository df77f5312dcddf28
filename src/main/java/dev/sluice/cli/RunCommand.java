package dev.sluice.cli;

import dev.sluice.app.Wiring;
import dev.sluice.config.PipelineSpec;
import dev.sluice.db.Database;
import dev.sluice.history.Run;
import dev.sluice.history.RunJson;
import dev.sluice.history.Trigger;
import dev.sluice.pipeline.DeliveryPolicy;
import dev.sluice.pipeline.RunRequest;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice run}: one run of a pipeline. Exit 0 succeeded or unchanged, 1 failed, 2 usage, 3 skipped. */
@Command(
        name = "run",
        description = "Run a pipeline once: download, validate, merge, upsert, record.",
        footer = {
            "",
            "Examples:",
            "  sluice run                         # covid-us into an embedded PostgreSQL",
            "  sluice run --pipeline daily.yaml --db postgres://etl@db:5432/warehouse",
            "  sluice run --pipeline daily.yaml --source nyt=/tmp/us.csv --json"
        })
public final class RunCommand implements Callable<Integer> {
    private final Wiring wiring;
    private final Terminal terminal;

    @Mixin
    PipelineOption pipeline = new PipelineOption();

    @Mixin
    DatabaseOption database = new DatabaseOption();

    @Option(
            names = "--source",
            paramLabel = "NAME=URL",
            description = "Read a source from another URL or a local file for this run (a mirror, a local copy).")
    Map<String, String> sources = new LinkedHashMap<>();

    @Option(names = "--json", description = "Print the run as one JSON object on stdout.")
    boolean json;

    @Option(names = "--force", description = "Load even when every source is unchanged since the last load.")
    boolean force;

    @Option(
            names = "--notify-timeout",
            paramLabel = "SECONDS",
            description = "How long to keep retrying this run's notifications before exiting (default:"
                    + " SLUICE_NOTIFY_TIMEOUT, 30 s); what is not delivered stays in the outbox for the next run or"
                    + " for sluice serve.")
    Optional<Integer> notifyTimeout = Optional.empty();

    public RunCommand(Wiring wiring, Terminal terminal) {
        this.wiring = wiring;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        PipelineSpec spec = wiring.readPipeline(pipeline.pipeline).withSourceUrls(SourceOverrides.parse(sources));
        boolean watched = terminal.interactive() && !json;
        Progress progress = watched ? new Progress(terminal.err()) : Progress.NONE;
        if (watched) {
            terminal.quietLogs().run();
        }
        DeliveryPolicy delivery = DeliveryPolicy.waitUpTo(notifyTimeout
                .map(s -> Duration.ofSeconds(Math.max(0, s)))
                .orElse(wiring.settings().notifications().timeout()));
        RunRequest request = force ? RunRequest.forced(Trigger.CLI) : RunRequest.of(Trigger.CLI);
        Run run;
        try (Database db = wiring.database(database.url())) {
            run = wiring.pipeline(db, progress).runAndDeliver(spec, request, delivery);
        } finally {
            progress.done();
        }
        if (json) {
            terminal.out().println(RunJson.toJson(run).toString());
        } else if (watched) {
            RunPrinter.summary(terminal.out(), run);
        } else {
            RunPrinter.line(terminal.out(), run);
        }
        if (!json) {
            // On stderr when stdout is a script's: the line of key=value stays one line.
            PrintStream hints = watched ? terminal.out() : terminal.err();
            RunPrinter.nextSteps(run, pipeline.pipeline).forEach(step -> hints.println("  next: " + step));
        }
        return run.status().exitCode();
    }
}
