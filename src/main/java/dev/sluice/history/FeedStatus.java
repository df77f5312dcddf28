package dev.sluice.history;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A source's freshness as last judged: for {@code sluice status}, the dashboard and the metrics.
 *
 * @param since       when it entered this state
 * @param reason      the verdict in words
 * @param lastChanged when its content last changed, when it was ever loaded
 * @param dataLatest  the newest value of the target's time key, when one is expected and known
 * @param evaluatedAt when it was judged
 * @param expected    what is expected of it, as the pipeline file writes it
 */
public record FeedStatus(
        String pipeline,
        String source,
        FeedState state,
        Instant since,
        String reason,
        Optional<Instant> lastChanged,
        Optional<Instant> dataLatest,
        Instant evaluatedAt,
        String expected) {
    public FeedStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lastChanged, "lastChanged");
        Objects.requireNonNull(dataLatest, "dataLatest");
    }

    public boolean late() {
        return state == FeedState.LATE;
    }
}
