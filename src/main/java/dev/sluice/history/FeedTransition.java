package dev.sluice.history;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A source's freshness changing: late, or fresh again. Recorded once ({@code sluice.feed_events}) and notified once,
 * never repeated while the state holds.
 *
 * @param id        the event's id, which the outbox refers to
 * @param state     the state entered
 * @param at        when sluice noticed
 * @param reason    why, in words: what changed when, against what was expected
 * @param lateSince for a recovery, when the source went late
 */
public record FeedTransition(
        long id,
        String pipeline,
        String source,
        FeedState state,
        Instant at,
        String reason,
        Optional<Instant> lateSince) {
    public FeedTransition {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(lateSince, "lateSince");
    }

    /** {@code LATE} or {@code RECOVERED}: what a message calls it. */
    public String label() {
        return state == FeedState.LATE ? "LATE" : "RECOVERED";
    }

    public boolean recovered() {
        return state == FeedState.FRESH;
    }
}
