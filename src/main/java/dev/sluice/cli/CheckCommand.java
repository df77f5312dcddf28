package dev.sluice.cli;

import dev.sluice.app.Wiring;
import dev.sluice.config.ColumnSpec;
import dev.sluice.config.DecreasePolicy;
import dev.sluice.config.InvalidRowPolicy;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SourceSpec;
import dev.sluice.config.TargetSpec;
import dev.sluice.db.Database;
import dev.sluice.db.DatabaseException;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.TargetPlan;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sluice check}: validate a pipeline file without running it; print what it would do. */
@Command(
        name = "check",
        description = "Validate a pipeline file without running it, and show what it declares.",
        footer = {
            "",
            "Examples:",
            "  sluice check --pipeline daily.yaml       # and plans it against the database",
            "  sluice check --pipeline daily.yaml --no-db  # the file alone",
            "",
            "Exit codes: 0 valid, 1 a run would fail against the database, 2 invalid."
        })
public final class CheckCommand implements Callable<Integer> {
    private final Wiring wiring;
    private final Terminal terminal;

    @Mixin
    PipelineOption pipeline = new PipelineOption();

    @Mixin
    DatabaseOption database = new DatabaseOption();

    @picocli.CommandLine.Option(
            names = "--no-db",
            description = "Check the file alone: do not compare the target with the table in the database a run"
                    + " would use (--db, else $SLUICE_DB_URL, else the embedded one).")
    boolean noDatabase;

    public CheckCommand(Wiring wiring, Terminal terminal) {
        this.wiring = wiring;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        PipelineSpec spec = wiring.readPipeline(pipeline.pipeline);
        PrintStream out = terminal.out();
        out.println(spec.origin() + ": pipeline " + spec.name() + " is valid");
        for (SourceSpec source : spec.sources()) {
            out.println(
                    "  source " + source.name() + ": " + source.location().describe() + " (key " + source.key() + ")");
            for (ColumnSpec c : source.columns()) {
                out.println("    " + c.header() + (c.header().equals(c.name()) ? "" : " as " + c.name()) + ": "
                        + c.type().name().toLowerCase(java.util.Locale.ROOT) + (c.required() ? "" : ", optional")
                        + (c.onDecrease() == DecreasePolicy.ALLOW ? "" : ", on decrease " + c.onDecrease()));
            }
            source.filters().forEach(f -> out.println("    keep rows where " + f.describe()));
        }
        spec.join().ifPresent(j -> out.println("  join: " + j.type() + " on " + j.on()));
        spec.schedule().ifPresent(s -> out.println("  schedule: " + s.cron() + " (" + s.zone() + ")"));
        spec.freshness()
                .bySource()
                .forEach((source, expected) -> out.println("  expect " + source + ": " + expected.describe()));
        spec.expectations()
                .forEach(e -> out.println("  expectation " + e.name() + ": "
                        + e.check().kind() + ", " + e.severity().name().toLowerCase(Locale.ROOT)));
        out.println("  invalid rows: " + spec.invalidRows().policy().name().toLowerCase(Locale.ROOT)
                + (spec.invalidRows().policy() == InvalidRowPolicy.QUARANTINE
                        ? " (max_invalid " + spec.invalidRows().maxInvalid() + ", kept for "
                                + spec.invalidRows().keptRuns() + " runs)"
                        : ""));
        out.println("  mode: " + ModeText.describe(spec.target()));
        out.println("  target: " + Pipeline.targetDefinition(spec));
        if (spec.target().fullRowBytes() > TargetSpec.POSTGRES_MAX_ROW_BYTES) {
            out.println(String.format(
                    Locale.ROOT,
                    "  note: a row with a value in each of its %,d columns takes at least %,d bytes; PostgreSQL stores"
                            + " at most %,d in a row, so such a row fails its run (rows with empty values fit)",
                    spec.target().allColumns().size(),
                    spec.target().fullRowBytes(),
                    TargetSpec.POSTGRES_MAX_ROW_BYTES));
        }
        if (noDatabase) {
            return 0;
        }
        TargetPlan plan;
        try (Database db = wiring.database(database.url());
                Connection c = db.connect()) {
            plan = Pipeline.targetPlan(c, spec);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot read the target table", e);
        }
        plan.lines().forEach(line -> out.println("  schema: " + line));
        if (plan.runWouldFail()) {
            return 1;
        }
        return 0;
    }
}
