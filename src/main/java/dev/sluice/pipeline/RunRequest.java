package dev.sluice.pipeline;

import dev.sluice.history.Trigger;

/**
 * How a run was asked for.
 *
 * @param trigger what started it
 * @param force   load even when every source is unchanged (after a manual change to the target, say)
 */
public record RunRequest(Trigger trigger, boolean force) {
    public static RunRequest of(Trigger trigger) {
        return new RunRequest(trigger, false);
    }
}
