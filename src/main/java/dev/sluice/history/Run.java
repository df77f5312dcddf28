package dev.sluice.history;

import dev.sluice.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of a pipeline, as recorded in {@code sluice.runs}: the value that the CLI prints, the API serves and
 * notifications describe.
 *
 * @param id            the run's id; {@link #UNRECORDED} when its database could not be reached to record it
 * @param rows          what it did to the target
 * @param changesLogged changed rows kept in the change log
 * @param notifications where its notifications stand, by channel
 */
public record Run(
        long id,
        String pipeline,
        Trigger trigger,
        RunStatus status,
        Instant startedAt,
        Optional<Instant> finishedAt,
        RowCounts rows,
        Map<String, SourceSummary> sources,
        List<String> warnings,
        Optional<RunError> error,
        long changesLogged,
        List<Delivery> notifications,
        RunAudit audit) {
    /** The id of a run that could not be recorded: its database was unreachable. */
    public static final long UNRECORDED = 0;

    public Run {
        sources = Map.copyOf(sources);
        warnings = List.copyOf(warnings);
        notifications = List.copyOf(notifications);
        Objects.requireNonNull(audit, "audit");
    }

    /** A run that failed before it could be recorded: no database to record it in. */
    public static Run unrecorded(
            String pipeline, Trigger trigger, Instant startedAt, Instant finishedAt, RunError error) {
        return new Run(
                UNRECORDED,
                pipeline,
                trigger,
                RunStatus.FAILED,
                startedAt,
                Optional.of(finishedAt),
                RowCounts.NONE,
                Map.of(),
                List.of(),
                Optional.of(error),
                0,
                List.of(),
                RunAudit.NONE);
    }

    /** Whether the run is in {@code sluice.runs}: false when its database could not be reached to record it. */
    public boolean recorded() {
        return id != UNRECORDED;
    }

    /** {@code run 7}, or {@code not recorded}. */
    public String label() {
        return recorded() ? "run " + id : "not recorded";
    }

    public long inserted() {
        return rows.inserted();
    }

    public long updated() {
        return rows.updated();
    }

    public long deleted() {
        return rows.deleted();
    }

    public long unchanged() {
        return rows.unchanged();
    }

    /** The same run with these notification states. */
    public Run withNotifications(List<Delivery> deliveries) {
        return new Run(
                id,
                pipeline,
                trigger,
                status,
                startedAt,
                finishedAt,
                rows,
                sources,
                warnings,
                error,
                changesLogged,
                deliveries,
                audit);
    }

    public long durationMs() {
        return finishedAt
                .map(end -> Duration.between(startedAt, end).toMillis())
                .orElse(0L);
    }
}
