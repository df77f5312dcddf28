package dev.sluice.history;

import dev.sluice.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A pipeline's run history in figures, for {@code /metrics}: computed from {@code sluice.runs} at each scrape, so
 * every replica reports the same.
 *
 * @param runs         runs recorded, by outcome
 * @param finished     runs that finished
 * @param timeFinished their total duration
 * @param lastDuration the duration of the last finished run
 * @param rowsWritten  the counts of successful runs, added up
 * @param lastSuccess  when a run last left the target matching its sources (SUCCEEDED or UNCHANGED)
 * @param inProgress   runs recorded as RUNNING
 */
public record PipelineStatistics(
        String pipeline,
        Map<RunStatus, Long> runs,
        long finished,
        Duration timeFinished,
        Optional<Duration> lastDuration,
        RowCounts rowsWritten,
        Optional<Instant> lastSuccess,
        long inProgress) {
    public PipelineStatistics {
        runs = Map.copyOf(runs);
    }
}
