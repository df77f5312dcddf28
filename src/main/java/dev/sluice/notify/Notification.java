package dev.sluice.notify;

import dev.sluice.RunStatus;
import dev.sluice.history.Change;
import dev.sluice.history.RowCounts;
import dev.sluice.history.Run;
import dev.sluice.history.SourceSummary;
import dev.sluice.history.Trigger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a channel delivers: a run and up to {@link #MAX_CHANGES} of its changed rows.
 *
 * @param purpose a real run's outcome, or {@code sluice notify test}'s sample
 */
public record Notification(Run run, List<Change> changes, Purpose purpose) {
    public static final int MAX_CHANGES = 10;

    /** Why the notification is sent. */
    public enum Purpose {
        /** A run's outcome. */
        OUTCOME,
        /** {@code sluice notify test}: a sample, not a real run. */
        TEST
    }

    public Notification {
        changes = List.copyOf(changes);
    }

    /** A run's outcome with the first of its changed rows. */
    public static Notification of(Run run, List<Change> changes) {
        return new Notification(run, changes, Purpose.OUTCOME);
    }

    /** A sample, not a real run, that proves a channel's settings work. */
    public static Notification test(String pipeline, Instant now) {
        Run sample = new Run(
                Run.UNRECORDED,
                pipeline,
                Trigger.MANUAL,
                RunStatus.SUCCEEDED,
                now,
                Optional.of(now),
                RowCounts.NONE,
                Map.of("example", new SourceSummary("https://example.org/data.csv", 0, 0, "-", null, false)),
                List.of("this is a test notification; nothing was loaded"),
                Optional.empty(),
                0,
                List.of());
        return new Notification(sample, List.of(), Purpose.TEST);
    }

    public boolean test() {
        return purpose == Purpose.TEST;
    }

    /** Rows the run wrote: more than {@link #changes} holds when it wrote more than ten. */
    public long changedRows() {
        return run.rows().changed();
    }

    /**
     * An idempotency key: the same for every attempt to deliver one run's notification to one channel. A run that
     * could not be recorded has no id; its start time in milliseconds tells it apart.
     */
    public String deliveryId(String channel) {
        String which = run.recorded()
                ? "run-" + run.id()
                : "unrecorded-" + run.startedAt().toEpochMilli();
        return "sluice-" + run.pipeline() + "-" + which + "-" + channel;
    }
}
