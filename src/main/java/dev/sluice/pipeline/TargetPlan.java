package dev.sluice.pipeline;

import java.util.List;

/**
 * What a run would do to its target's schema in one database, as {@code sluice check} says it.
 *
 * @param lines            what a run would do, one line each
 * @param runWouldFail whether the table cannot hold what the pipeline loads
 */
public record TargetPlan(List<String> lines, boolean runWouldFail) {
    public TargetPlan {
        lines = List.copyOf(lines);
    }
}
