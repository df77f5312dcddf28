package dev.sluice.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How often each source is expected to publish: the {@code expect} block of a source, or the pipeline's own as the
 * default of every source that has none. A source past either bound is late; see {@code dev.sluice.health}.
 *
 * @param bySource the expectations of each source that has any (its own, else the pipeline's)
 */
public record Freshness(Map<String, Expected> bySource) {
    public static final Freshness NONE = new Freshness(Map.of());

    /**
     * @param changesWithin the content must change at least this often
     * @param dataWithin    the newest value of the target's time key may be at most this far behind the run's date
     */
    public record Expected(Optional<Duration> changesWithin, Optional<Duration> dataWithin) {
        public Expected {
            Objects.requireNonNull(changesWithin, "changesWithin");
            Objects.requireNonNull(dataWithin, "dataWithin");
        }

        public boolean any() {
            return changesWithin.isPresent() || dataWithin.isPresent();
        }

        /** {@code changes_within 36h, data_within 3d}, as the pipeline file writes it. */
        public String describe() {
            StringBuilder text = new StringBuilder();
            changesWithin.ifPresent(d -> text.append("changes_within ").append(Units.format(d)));
            dataWithin.ifPresent(d -> text.append(text.length() > 0 ? ", " : "")
                    .append("data_within ")
                    .append(Units.format(d)));
            return text.toString();
        }
    }

    public Freshness {
        bySource = Map.copyOf(bySource);
    }

    public Optional<Expected> of(String source) {
        return Optional.ofNullable(bySource.get(source));
    }

    public boolean declared() {
        return !bySource.isEmpty();
    }
}
