package dev.sluice.history;

import dev.sluice.RunStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The end of a run, written over its RUNNING row. */
public record RunOutcome(RunStatus status, long inserted, long updated, long unchanged,
                         Map<String, SourceSummary> sources, List<String> warnings, Optional<RunError> error,
                         long changesLogged) {
    public RunOutcome {
        sources = Map.copyOf(sources);
        warnings = List.copyOf(warnings);
    }

    public static RunOutcome failed(Map<String, SourceSummary> sources, List<String> warnings, RunError error) {
        return new RunOutcome(RunStatus.FAILED, 0, 0, 0, sources, warnings, Optional.of(error), 0);
    }
}
