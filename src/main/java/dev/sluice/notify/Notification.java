package dev.sluice.notify;

import dev.sluice.RunStatus;
import dev.sluice.history.Change;
import dev.sluice.history.FeedTransition;
import dev.sluice.history.RowCounts;
import dev.sluice.history.Run;
import dev.sluice.history.RunAudit;
import dev.sluice.history.SourceSummary;
import dev.sluice.history.Trigger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a channel delivers: a run with up to {@link #MAX_CHANGES} of its changed rows, or a feed's freshness
 * changing (late, recovered).
 *
 * @param purpose    a run's outcome, a feed's transition, or {@code sluice notify test}'s sample
 * @param run        the run, for an outcome or a test
 * @param transition the transition, for a feed's
 */
public record Notification(
        Purpose purpose, Optional<Run> run, Optional<FeedTransition> transition, List<Change> changes) {
    public static final int MAX_CHANGES = 10;

    /** Why the notification is sent. */
    public enum Purpose {
        /** A run's outcome. */
        OUTCOME,
        /** A source went late, or recovered. */
        FRESHNESS,
        /** {@code sluice notify test}: a sample, not a real run. */
        TEST
    }

    public Notification {
        changes = List.copyOf(changes);
        if (run.isPresent() == transition.isPresent()) {
            throw new IllegalArgumentException("a notification is of a run or of a feed's transition");
        }
    }

    /** A run's outcome with the first of its changed rows. */
    public static Notification of(Run run, List<Change> changes) {
        return new Notification(Purpose.OUTCOME, Optional.of(run), Optional.empty(), changes);
    }

    /** A feed going late, or fresh again. */
    public static Notification of(FeedTransition transition) {
        return new Notification(Purpose.FRESHNESS, Optional.empty(), Optional.of(transition), List.of());
    }

    public String pipeline() {
        return run.map(Run::pipeline).orElseGet(() -> transition.orElseThrow().pipeline());
    }

    /** {@code SUCCEEDED}, {@code FAILED}, ..., {@code LATE}, {@code RECOVERED} or {@code TEST}. */
    public String status() {
        if (test()) {
            return "TEST";
        }
        return run.map(r -> r.status().name())
                .orElseGet(() -> transition.orElseThrow().label());
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
                List.of(),
                RunAudit.NONE);
        return new Notification(Purpose.TEST, Optional.of(sample), Optional.empty(), List.of());
    }

    public boolean test() {
        return purpose == Purpose.TEST;
    }

    /** Rows the run wrote: more than {@link #changes} holds when it wrote more than ten. */
    public long changedRows() {
        return run.map(r -> r.rows().changed()).orElse(0L);
    }

    /**
     * An idempotency key: the same for every attempt to deliver one run's notification to one channel. A run that
     * could not be recorded has no id; its start time in milliseconds tells it apart.
     */
    public String deliveryId(String channel) {
        if (transition.isPresent()) {
            return "sluice-" + pipeline() + "-feed-" + transition.get().id() + "-" + channel;
        }
        Run r = run.orElseThrow();
        String which =
                r.recorded() ? "run-" + r.id() : "unrecorded-" + r.startedAt().toEpochMilli();
        return "sluice-" + r.pipeline() + "-" + which + "-" + channel;
    }
}
