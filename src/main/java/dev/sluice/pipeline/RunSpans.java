package dev.sluice.pipeline;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The phases of one run as spans (fetch per file, stage per source, merge, expectations, commit, deliver), recorded
 * as they end and exported with the run ({@link TraceExport}). {@link #NONE} records nothing: tracing off costs a
 * call that returns.
 */
class RunSpans {
    /** Records nothing. */
    static final RunSpans NONE = new RunSpans(null) {
        @Override
        Span start(String name) {
            return Span.NONE;
        }

        @Override
        void add(String name, Instant start, Instant end, Map<String, String> attributes) {}
    };

    /** One phase, ended once. */
    static class Span {
        static final Span NONE = new Span(null, null, null);

        private final RunSpans owner;
        private final String name;
        private final Instant start;
        private final Map<String, String> attributes = new LinkedHashMap<>();

        private Span(RunSpans owner, String name, Instant start) {
            this.owner = owner;
            this.name = name;
            this.start = start;
        }

        Span attribute(String key, Object value) {
            if (owner != null) {
                attributes.put(key, String.valueOf(value));
            }
            return this;
        }

        void end() {
            if (owner != null) {
                owner.add(name, start, owner.clock.instant(), attributes);
            }
        }
    }

    /** A recorded span. */
    record Recorded(String name, Instant start, Instant end, Map<String, String> attributes) {}

    private final Clock clock;
    private final List<Recorded> recorded = Collections.synchronizedList(new ArrayList<>());

    RunSpans(Clock clock) {
        this.clock = clock;
    }

    Span start(String name) {
        return new Span(this, name, clock.instant());
    }

    void add(String name, Instant start, Instant end, Map<String, String> attributes) {
        recorded.add(new Recorded(name, start, end, Map.copyOf(attributes)));
    }

    List<Recorded> recorded() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }
}
