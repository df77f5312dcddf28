package dev.sluice.notify;

import dev.sluice.history.Change;
import dev.sluice.history.Run;
import java.util.List;

/**
 * What a channel delivers: a recorded run and up to {@link #MAX_CHANGES} of its changed rows.
 *
 * @param test true for {@code sluice notify test}: a sample run, not a real one
 */
public record Notification(Run run, List<Change> changes, long changedRows, boolean test) {
    public static final int MAX_CHANGES = 10;

    public Notification {
        changes = List.copyOf(changes);
    }

    /**
     * An idempotency key: the same for every attempt to deliver one run's notification to one channel. A run that
     * could not be recorded has no id; its start time in milliseconds tells it apart.
     */
    public String deliveryId(String channel) {
        String which = run.recorded() ? "run-" + run.id() : "unrecorded-" + run.startedAt().toEpochMilli();
        return "sluice-" + run.pipeline() + "-" + which + "-" + channel;
    }
}
