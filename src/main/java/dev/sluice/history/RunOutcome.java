package dev.sluice.history;

import dev.sluice.RunStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The end of a run, written over its RUNNING row. Made by the factories, one per kind of end. */
public record RunOutcome(
        RunStatus status,
        RowCounts rows,
        Map<String, SourceSummary> sources,
        List<String> warnings,
        Optional<RunError> error,
        long changesLogged,
        RunAudit audit) {
    public RunOutcome {
        sources = Map.copyOf(sources);
        warnings = List.copyOf(warnings);
    }

    /** The same outcome with more warnings (a late source, found when the run was recorded). */
    public RunOutcome withMoreWarnings(List<String> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<String> all = new java.util.ArrayList<>(warnings);
        all.addAll(more);
        return new RunOutcome(status, rows, sources, all, error, changesLogged, audit);
    }

    /** The same outcome with what the run checked and found. */
    public RunOutcome withAudit(RunAudit other) {
        return new RunOutcome(status, rows, sources, warnings, error, changesLogged, other);
    }

    public static RunOutcome succeeded(
            RowCounts rows, Map<String, SourceSummary> sources, List<String> warnings, long changesLogged) {
        return new RunOutcome(
                RunStatus.SUCCEEDED, rows, sources, warnings, Optional.empty(), changesLogged, RunAudit.NONE);
    }

    public static RunOutcome unchanged(Map<String, SourceSummary> sources) {
        return new RunOutcome(
                RunStatus.UNCHANGED, RowCounts.NONE, sources, List.of(), Optional.empty(), 0, RunAudit.NONE);
    }

    public static RunOutcome failed(Map<String, SourceSummary> sources, RunError error) {
        return new RunOutcome(
                RunStatus.FAILED, RowCounts.NONE, sources, List.of(), Optional.of(error), 0, RunAudit.NONE);
    }

    static RunOutcome skipped(String warning) {
        return new RunOutcome(
                RunStatus.SKIPPED_LOCKED,
                RowCounts.NONE,
                Map.of(),
                List.of(warning),
                Optional.empty(),
                0,
                RunAudit.NONE);
    }
}
