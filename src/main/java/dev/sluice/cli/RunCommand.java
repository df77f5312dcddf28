package dev.sluice.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.app.Wiring;
import dev.sluice.config.PipelineSpec;
import dev.sluice.db.Database;
import dev.sluice.db.DatabaseException;
import dev.sluice.history.Change;
import dev.sluice.history.ChangeLog;
import dev.sluice.history.Run;
import dev.sluice.history.RunJson;
import dev.sluice.history.Trigger;
import dev.sluice.pipeline.DeliveryPolicy;
import dev.sluice.pipeline.RunRequest;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice run}: one run of a pipeline. Exit 0 succeeded or unchanged, 1 failed, 2 usage, 3 skipped. */
@Command(
        name = "run",
        description = "Run pipelines once, one after another: download, validate, merge, upsert, record.",
        footer = {
            "",
            "Examples:",
            "  sluice run                         # covid-us into an embedded PostgreSQL",
            "  sluice run --pipeline daily.yaml --db postgres://etl@db:5432/warehouse",
            "  sluice run --pipeline daily.yaml --source nyt=/tmp/us.csv --json",
            "  sluice run --pipeline /etc/sluice/pipelines   # every *.yaml there, in name order"
        })
public final class RunCommand implements Callable<Integer> {
    private final Wiring wiring;
    private final Terminal terminal;

    @Option(
            names = "--pipeline",
            paramLabel = "FILE|NAME|DIR",
            description = "A pipeline file, a bundled pipeline's name (covid-us, us-counties) or a directory of"
                    + " pipeline files; repeat for several, run one after another. Default: covid-us.")
    List<String> pipelines = new ArrayList<>();

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
            names = "--dry-run",
            description = "Do everything a run does, expectations included, then roll back: print the counts, what"
                    + " it would revise, each expectation's result and a sample of the changes (old -> new). The"
                    + " history records it as a dry run; nothing is loaded or notified. Exit codes as for a run.")
    boolean dryRun;

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
        List<String> references = PipelineReferences.expand(pipelines);
        if (references.size() > 1 && !sources.isEmpty()) {
            throw new SluiceException(
                    ErrorKind.CONFIG, "--source names a source of one pipeline: give it with one --pipeline");
        }
        // Every file is read before the first run: a typo in the third stops them all, not after two loads.
        Map<String, java.net.URI> overrides = SourceOverrides.parse(sources);
        List<PipelineSpec> specs = new ArrayList<>();
        for (String reference : references) {
            specs.add(wiring.readPipeline(reference).withSourceUrls(overrides));
        }
        boolean watched = terminal.interactive() && !json;
        if (watched) {
            terminal.quietLogs().run();
        }
        DeliveryPolicy delivery = DeliveryPolicy.waitUpTo(notifyTimeout
                .map(s -> Duration.ofSeconds(Math.max(0, s)))
                .orElse(wiring.settings().notifications().timeout()));
        RunRequest forced = force ? RunRequest.forced(Trigger.CLI) : RunRequest.of(Trigger.CLI);
        RunRequest request = dryRun ? forced.dryRun() : forced;
        List<Run> runs = new ArrayList<>();
        try (Database db = wiring.database(database.url())) {
            for (int i = 0; i < specs.size(); i++) {
                Progress progress = watched ? new Progress(terminal.err()) : Progress.NONE;
                try {
                    runs.add(wiring.pipeline(db, progress).runAndDeliver(specs.get(i), request, delivery));
                } finally {
                    progress.done();
                }
                print(runs.get(i), references.get(i), watched);
                if (dryRun && !json) {
                    printChanges(db, runs.get(i));
                }
            }
        }
        if (json) {
            if (runs.size() == 1) {
                terminal.out().println(RunJson.toJson(runs.get(0)).toString());
            } else {
                ArrayNode array = RunJson.MAPPER.createArrayNode();
                runs.forEach(run -> array.add(RunJson.toJson(run)));
                terminal.out().println(array.toString());
            }
        }
        return exitCode(runs);
    }

    /** A dry run's first changes, old -> new: what a run would have written. */
    private void printChanges(Database db, Run run) {
        List<Change> changes;
        try (Connection c = db.connect()) {
            changes = ChangeLog.read(c, run.id(), DRY_RUN_SHOWN);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot read the changes of dry run " + run.id(), e);
        }
        if (changes.isEmpty()) {
            return;
        }
        terminal.out()
                .printf(
                        Locale.ROOT,
                        "  a run would write (%d of %,d, in key order; sluice history --run %d --limit N for more):%n",
                        changes.size(),
                        run.inserted() + run.updated() + run.deleted(),
                        run.id());
        changes.forEach(change -> terminal.out().println("    " + HistoryCommand.describe(change)));
    }

    private static final int DRY_RUN_SHOWN = 10;

    private void print(Run run, String reference, boolean watched) {
        if (json) {
            return;
        }
        if (watched || dryRun) {
            RunPrinter.summary(terminal.out(), run);
        } else {
            RunPrinter.line(terminal.out(), run);
        }
        // On stderr when stdout is a script's: the line of key=value stays one line.
        PrintStream hints = watched ? terminal.out() : terminal.err();
        RunPrinter.nextSteps(run, reference).forEach(step -> hints.println("  next: " + step));
    }

    /** The worst outcome decides: a failure before a skip before success. */
    private static int exitCode(List<Run> runs) {
        int code = 0;
        for (Run run : runs) {
            int each = run.status().exitCode();
            if (each == 1 || (each == 3 && code == 0)) {
                code = each;
            }
        }
        return code;
    }
}
