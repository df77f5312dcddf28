package dev.sluice.history;

import dev.sluice.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * @param finishedWithin for each of {@link #DURATION_BUCKETS}, the finished runs that took at most that long
 */
public record PipelineStatistics(
        String pipeline,
        Map<RunStatus, Long> runs,
        long finished,
        Duration timeFinished,
        Optional<Duration> lastDuration,
        RowCounts rowsWritten,
        Optional<Instant> lastSuccess,
        long inProgress,
        List<Long> finishedWithin) {
    /**
     * The histogram's upper bounds, in seconds: a run of a small feed takes seconds, a large one minutes; an alert on
     * the 95th percentile needs bounds on both sides of what is normal.
     */
    public static final List<Integer> DURATION_BUCKETS = List.of(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600);

    public PipelineStatistics {
        runs = Map.copyOf(runs);
        finishedWithin = List.copyOf(finishedWithin);
        if (finishedWithin.size() != DURATION_BUCKETS.size()) {
            throw new IllegalArgumentException("one count per bucket");
        }
    }
}
