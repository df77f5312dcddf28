package dev.sluice.history;

import dev.sluice.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run of a pipeline, as recorded in {@code sluice.runs}: the value that the CLI prints, the API serves and
 * notifications describe.
 */
public record Run(long id, String pipeline, Trigger trigger, RunStatus status, Instant startedAt,
                  Optional<Instant> finishedAt, long inserted, long updated, long unchanged,
                  Map<String, SourceSummary> sources, List<String> warnings, Optional<RunError> error,
                  long changesLogged, List<Delivery> notifications) {
    public Run {
        sources = Map.copyOf(sources);
        warnings = List.copyOf(warnings);
        notifications = List.copyOf(notifications);
    }

    public long durationMs() {
        return finishedAt.map(end -> Duration.between(startedAt, end).toMillis()).orElse(0L);
    }
}
