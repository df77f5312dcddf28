package dev.sluice.cli;

import dev.sluice.history.Run;
import dev.sluice.history.SourceSummary;
import java.io.PrintStream;
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
                "%s %s (%s, %.1f s)%n",
                run.pipeline(),
                run.status(),
                run.label(),
                run.durationMs() / 1000.0);
        out.println("  rows: " + run.rows().describe());
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
                "run=%d pipeline=%s status=%s inserted=%d updated=%d deleted=%d unchanged=%d duration_ms=%d%s%n",
                run.id(),
                run.pipeline(),
                run.status(),
                run.inserted(),
                run.updated(),
                run.deleted(),
                run.unchanged(),
                run.durationMs(),
                run.error().map(e -> " error=" + e.kind()).orElse(""));
    }
}
