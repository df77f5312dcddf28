package dev.sluice.config;

import java.util.List;
import java.util.Objects;

/** How a pipeline's sources are joined: by {@code type}, on the SQL columns {@code on}. */
public record JoinSpec(JoinType type, List<String> on) {
    public JoinSpec {
        Objects.requireNonNull(type, "type");
        on = List.copyOf(on);
    }
}
