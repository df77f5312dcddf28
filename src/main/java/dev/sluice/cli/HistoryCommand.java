package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.app.Wiring;
import dev.sluice.db.Database;
import dev.sluice.db.DatabaseException;
import dev.sluice.history.Change;
import dev.sluice.history.ChangeLog;
import dev.sluice.history.Delivery;
import dev.sluice.history.DeliveryStatus;
import dev.sluice.history.RejectedRows;
import dev.sluice.history.Run;
import dev.sluice.history.RunJson;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice history}: recent runs, newest first. */
@Command(
        name = "history",
        description = "List recent runs, newest first.",
        footer = {
            "",
            "Examples:",
            "  sluice history --pipeline covid-us --limit 5",
            "  sluice history --run 13            # its counts, warnings and changes",
            "  sluice history --run 13 --rejected # the rows it quarantined"
        })
public final class HistoryCommand implements Callable<Integer> {
    private final Wiring wiring;
    private final Terminal terminal;

    @Mixin
    DatabaseOption database = new DatabaseOption();

    @Option(names = "--limit", paramLabel = "N", description = "How many runs (default 20; with --rejected, rows).")
    Integer limit;

    @Option(names = "--pipeline", paramLabel = "NAME", description = "Only the runs of this pipeline.")
    String pipeline;

    @Option(names = "--json", description = "Print a JSON array of runs on stdout.")
    boolean json;

    @Option(
            names = "--run",
            paramLabel = "ID",
            description = "One run: its counts, warnings, error and its first changes (old -> new); with"
                    + " --rejected, the rows it quarantined.")
    Long run;

    @Option(names = "--rejected", description = "The rows a run quarantined (invalid_rows: quarantine).")
    boolean rejected;

    public HistoryCommand(Wiring wiring, Terminal terminal) {
        this.wiring = wiring;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        if (rejected) {
            return rejectedRows();
        }
        if (run != null) {
            return oneRun();
        }
        List<Run> runs;
        try (Database db = wiring.database(database.url());
                Connection c = db.connect()) {
            runs = wiring.history().recent(c, limit == null ? 20 : Math.max(1, limit), Optional.ofNullable(pipeline));
        } catch (SQLException e) {
            throw DatabaseException.of("cannot read the run history", e);
        }
        if (json) {
            ArrayNode array = RunJson.MAPPER.createArrayNode();
            runs.forEach(run -> array.add(RunJson.toJson(run)));
            terminal.out().println(array.toString());
            return 0;
        }
        terminal.out()
                .printf(
                        Locale.ROOT,
                        "%6s  %-14s %-14s %-20s %8s %10s %10s %10s %10s  %-24s  %s%n",
                        "RUN",
                        "PIPELINE",
                        "STATUS",
                        "STARTED (UTC)",
                        "SECONDS",
                        "INSERTED",
                        "UPDATED",
                        "DELETED",
                        "UNCHANGED",
                        "NOTIFICATIONS",
                        "ERROR / WARNINGS");
        for (Run run : runs) {
            String note = run.error()
                    .map(e -> e.describe())
                    .orElse(
                            run.warnings().isEmpty()
                                    ? ""
                                    : run.warnings().size() + " warnings: "
                                            + run.warnings().get(0));
            terminal.out()
                    .printf(
                            Locale.ROOT,
                            "%6d  %-14s %-14s %-20s %8.1f %10d %10d %10d %10d  %-24s  %s%n",
                            run.id(),
                            run.pipeline(),
                            run.status(),
                            run.startedAt().toString().replace('T', ' ').substring(0, 19),
                            run.durationMs() / 1000.0,
                            run.inserted(),
                            run.updated(),
                            run.deleted(),
                            run.unchanged(),
                            deliveries(run.notifications()),
                            shorten(note, 100));
        }
        return 0;
    }

    /** {@code history --run ID}: the run as {@code sluice run} printed it, then a page of its changes. */
    private int oneRun() {
        int shown = limit == null ? 20 : Math.max(1, limit);
        Run found;
        List<Change> changes;
        try (Database db = wiring.database(database.url());
                Connection c = db.connect()) {
            found = wiring.history()
                    .find(c, run)
                    .orElseThrow(() -> new SluiceException(ErrorKind.CONFIG, "no run " + run));
            changes = ChangeLog.read(c, run, shown);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot read run " + run, e);
        }
        if (json) {
            ObjectNode object = RunJson.toJson(found);
            object.set("changes", RunJson.MAPPER.valueToTree(changes));
            terminal.out().println(object.toString());
            return 0;
        }
        PrintStream out = terminal.out();
        out.print("run " + found.id() + ": ");
        RunPrinter.summary(out, found);
        long changed = found.inserted() + found.updated() + found.deleted();
        if (changes.isEmpty()) {
            out.println(
                    changed == 0 ? "  no changes" : "  its changes were not kept (the change log keeps recent runs)");
            return 0;
        }
        out.printf(
                Locale.ROOT,
                "  changes (%d of %,d, in key order; --limit N for more; the dashboard's run page has all):%n",
                changes.size(),
                Math.max(found.changesLogged(), changes.size()));
        changes.forEach(change -> out.println("    " + describe(change)));
        return 0;
    }

    /** {@code UPDATE {"fips":"06"}: cases 10 -> 12, deaths - -> 1}: only what changed, a missing value as a dash. */
    static String describe(Change change) {
        StringBuilder text = new StringBuilder(change.operation() + " " + change.key());
        if (change.operation() == Change.Operation.UPDATE && change.oldValues() != null && change.newValues() != null) {
            List<String> differences = new ArrayList<>();
            change.newValues().fieldNames().forEachRemaining(column -> {
                JsonNode before = change.oldValues().get(column);
                JsonNode after = change.newValues().get(column);
                if (!java.util.Objects.equals(before, after)) {
                    differences.add(column + " " + shown(before) + " -> " + shown(after));
                }
            });
            text.append(": ").append(String.join(", ", differences));
        } else if (change.operation() == Change.Operation.DELETE && change.oldValues() != null) {
            text.append(": was ").append(change.oldValues());
        }
        return text.toString();
    }

    private static String shown(JsonNode value) {
        return value == null || value.isNull() ? "-" : value.isTextual() ? value.asText() : value.toString();
    }

    /** {@code history --run ID --rejected}: the run's quarantined rows, one per line, or as JSON. */
    private int rejectedRows() {
        if (run == null) {
            throw new SluiceException(ErrorKind.CONFIG, "--rejected needs --run ID: the run whose rows to show");
        }
        List<RejectedRows.Rejected> rows;
        try (Database db = wiring.database(database.url());
                Connection c = db.connect()) {
            if (wiring.history().find(c, run).isEmpty()) {
                throw new SluiceException(ErrorKind.CONFIG, "no run " + run);
            }
            rows = RejectedRows.read(c, run, limit == null ? 100_000 : Math.max(1, limit));
        } catch (SQLException e) {
            throw DatabaseException.of("cannot read the rejected rows of run " + run, e);
        }
        if (json) {
            terminal.out().println(RunJson.MAPPER.valueToTree(rows).toString());
            return 0;
        }
        for (RejectedRows.Rejected row : rows) {
            terminal.out()
                    .println(row.source() + (row.file() == null ? "" : " " + row.file()) + " line " + row.line()
                            + (row.column() == null ? "" : ", column " + row.column()) + ": "
                            + (row.value() == null ? "" : "'" + row.value() + "' ") + row.reason() + "\n    "
                            + row.rawLine());
        }
        terminal.err().println(rows.size() + " rejected rows in run " + run);
        return 0;
    }

    /** {@code slack DELIVERED, mail PENDING x3}: each channel's state, with the attempts when not delivered. */
    private static String deliveries(List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return "-";
        }
        return String.join(
                ", ",
                deliveries.stream()
                        .map(d -> d.channel() + " " + d.status()
                                + (d.status() == DeliveryStatus.DELIVERED ? "" : " x" + d.attempts()))
                        .toList());
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
