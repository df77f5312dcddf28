package dev.sluice.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.SettableClock;
import dev.sluice.SluiceException;
import dev.sluice.UtcMinute;
import dev.sluice.app.Wiring;
import dev.sluice.config.PipelineSpec;
import dev.sluice.db.Database;
import dev.sluice.history.RunJson;
import dev.sluice.pipeline.Backfill;
import dev.sluice.pipeline.RunProgress;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice backfill}: past publications replayed into a pipeline's table, oldest first, each as its own run. */
@Command(
        name = "backfill",
        description = "Replay a feed's past publications into its table, oldest first, each as its own recorded run"
                + " as of its publication's time (a history table then answers as_of for every day it was"
                + " published). From a local git clone's history of the files, or from a date template's past days."
                + " Told to nobody; the first failure stops it.",
        footer = {
            "",
            "Examples:",
            "  sluice backfill --pipeline covid-us --git ~/covid-19-data --path nyt=us.csv --path jhu=data/combined.csv",
            "  sluice backfill --pipeline daily.yaml --from 2026-01-01 --to 2026-01-31"
        })
public final class BackfillCommand implements Callable<Integer> {

    private final Wiring wiring;
    private final Terminal terminal;

    @Mixin
    PipelineOption pipeline = new PipelineOption();

    @Mixin
    DatabaseOption database = new DatabaseOption();

    @Option(names = "--git", paramLabel = "DIR", description = "A local clone of the repository the feed lives in.")
    Path git;

    @Option(
            names = "--path",
            paramLabel = "SOURCE=FILE",
            description = "Each source's file inside the repository (with --git).")
    Map<String, String> paths = new LinkedHashMap<>();

    @Option(
            names = "--since",
            paramLabel = "DATE",
            description = "With --git: only commits from this date (yyyy-MM-dd, UTC).")
    String since;

    @Option(names = "--from", paramLabel = "DATE", description = "A date template's first day to replay.")
    String from;

    @Option(names = "--to", paramLabel = "DATE", description = "A date template's last day to replay (default: today).")
    String to;

    @Option(names = "--json", description = "Print a JSON array of the runs on stdout.")
    boolean json;

    public BackfillCommand(Wiring wiring, Terminal terminal) {
        this.wiring = wiring;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        if ((git == null) == (from == null)) {
            throw new SluiceException(ErrorKind.CONFIG, "give --git DIR with --path SOURCE=FILE, or --from DATE");
        }
        PipelineSpec spec = wiring.readPipeline(pipeline.pipeline);
        SettableClock clock = new SettableClock(wiring.clock().instant());
        Wiring past = wiring.withClock(clock);
        List<Backfill.Replayed> replayed;
        try (Database db = past.database(database.url())) {
            Backfill backfill = new Backfill(past.pipeline(db, RunProgress.NONE), clock);
            replayed = git != null
                    ? backfill.fromGit(
                            spec,
                            git,
                            paths,
                            Optional.ofNullable(since)
                                    .map(d -> date("--since", d).atStartOfDay(ZoneOffset.UTC))
                                    .map(z -> z.toInstant()),
                            wiring.settings().runs().tempDirectory(),
                            this::print)
                    : backfill.overDates(
                            spec,
                            date("--from", from),
                            to == null
                                    ? LocalDate.ofInstant(wiring.clock().instant(), ZoneOffset.UTC)
                                    : date("--to", to),
                            this::print);
        }
        if (json) {
            ArrayNode array = RunJson.MAPPER.createArrayNode();
            replayed.forEach(r -> array.add(RunJson.toJson(r.run())));
            terminal.out().println(array.toString());
        } else {
            terminal.out().printf(Locale.ROOT, "%d publications replayed%n", replayed.size());
        }
        return replayed.stream().anyMatch(r -> r.run().status() == RunStatus.FAILED) ? 1 : 0;
    }

    private void print(Backfill.Replayed one) {
        if (json) {
            return;
        }
        terminal.out()
                .printf(
                        Locale.ROOT,
                        "%s  %-40.40s  %s (run %d)%s%n",
                        UtcMinute.format(one.at()),
                        one.publication(),
                        one.run().status() == RunStatus.FAILED
                                ? "FAILED "
                                        + one.run()
                                                .error()
                                                .map(e -> e.describe())
                                                .orElse("")
                                : one.run().status() + " " + one.run().rows().describe(),
                        one.run().id(),
                        one.run()
                                .audit()
                                .revisions()
                                .map(r -> "; " + r.describe())
                                .orElse(""));
    }

    private static LocalDate date(String option, String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new SluiceException(
                    ErrorKind.CONFIG, option + ": expected a date such as 2026-01-31, found '" + text + "'");
        }
    }
}
