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

    /** The id of a run that could not be recorded: its database was unreachable. */
    public static final long UNRECORDED = 0;

    /** Whether the run is in {@code sluice.runs}: false when its database could not be reached to record it. */
    public boolean recorded() {
        return id != UNRECORDED;
    }

    /** {@code run 7}, or {@code not recorded}. */
    public String label() {
        return recorded() ? "run " + id : "not recorded";
    }

    /** The same run with these notification states. */
    public Run withNotifications(List<Delivery> deliveries) {
        return new Run(id, pipeline, trigger, status, startedAt, finishedAt, inserted, updated, unchanged, sources,
                warnings, error, changesLogged, deliveries);
    }

    public long durationMs() {
        return finishedAt.map(end -> Duration.between(startedAt, end).toMillis()).orElse(0L);
    }
}
