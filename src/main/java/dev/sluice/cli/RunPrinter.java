package dev.sluice.cli;

import dev.sluice.ErrorKind;
import dev.sluice.history.ExpectationResult;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.history.SourceSummary;
import dev.sluice.transform.SourceValidator;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Prints a run for people (a one-screen summary) or for scripts (one line of key=value). */
final class RunPrinter {
    private static final int SHOWN_WARNINGS = 10;

    private RunPrinter() {}

    static void summary(PrintStream out, Run run) {
        out.printf(
                Locale.ROOT,
                "%s %s%s (%s, %.1f s)%n",
                run.pipeline(),
                run.status(),
                run.audit().dryRun() ? " (dry run: rolled back, nothing kept but this record)" : "",
                run.label(),
                run.durationMs() / 1000.0);
        out.println("  rows: " + run.rows().describe());
        run.audit().revisions().ifPresent(r -> out.println("  revised: " + r.describe()));
        if (!run.audit().comparison().isEmpty()) {
            out.println("  compared " + run.audit().comparison());
        }
        for (ExpectationResult e : run.audit().expectations()) {
            out.println("  expectation " + e.name() + ": "
                    + (e.passed() ? "passed" : (e.blocks() ? "FAILED: " : "failed (warn): ") + e.message()));
        }
        for (Map.Entry<String, SourceSummary> e : new TreeMap<>(run.sources()).entrySet()) {
            SourceSummary s = e.getValue();
            out.printf(
                    Locale.ROOT,
                    "  %s: %,d rows, %,d bytes%s  %s%n",
                    e.getKey(),
                    s.rows(),
                    s.bytes(),
                    s.notModified() ? " (not modified)" : "",
                    s.url());
        }
        run.warnings().stream().limit(SHOWN_WARNINGS).forEach(w -> out.println("  warning: " + w));
        if (run.warnings().size() > SHOWN_WARNINGS) {
            out.println("  ... and " + (run.warnings().size() - SHOWN_WARNINGS) + " more warnings");
        }
        run.error().ifPresent(error -> {
            out.println("  error: " + error.describe());
            error.problems().stream()
                    .skip(1)
                    .limit(SHOWN_WARNINGS)
                    .forEach(p -> out.println("    " + p.source()
                            + " line " + p.line() + (p.column() == null ? "" : ", column " + p.column()) + ": "
                            + (p.value() == null ? "" : "'" + p.value() + "' ") + p.reason()));
        });
    }

    static void line(PrintStream out, Run run) {
        out.printf(
                Locale.ROOT,
                "run=%s pipeline=%s status=%s inserted=%d updated=%d deleted=%d unchanged=%d duration_ms=%d%s%n",
                run.recorded() ? String.valueOf(run.id()) : "none",
                run.pipeline(),
                run.status(),
                run.inserted(),
                run.updated(),
                run.deleted(),
                run.unchanged(),
                run.durationMs(),
                run.error().map(e -> " error=" + e.kind()).orElse(""));
    }

    /**
     * What to type next after a run that set rows aside or stopped at a guard: the command that shows them, or the
     * one that loads past the guard once the change is known to be real.
     */
    static List<String> nextSteps(Run run, String pipelineArgument) {
        List<String> steps = new ArrayList<>();
        if (run.recorded() && run.warnings().stream().anyMatch(w -> w.contains(SourceValidator.QUARANTINED))) {
            steps.add("sluice history --run " + run.id() + " --rejected    # the rows set aside, and why");
        }
        ErrorKind kind = run.error().map(RunError::kind).orElse(null);
        if (kind == ErrorKind.ROW_COUNT_DROP || kind == ErrorKind.TOO_MANY_CHANGES) {
            steps.add("sluice run --pipeline " + pipelineArgument
                    + " --force    # when the change is real: load it once past the guard");
        }
        return steps;
    }
}
