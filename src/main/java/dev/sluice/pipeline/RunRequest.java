package dev.sluice.pipeline;

import dev.sluice.history.Trigger;

/**
 * How a run was asked for.
 *
 * @param trigger what started it
 * @param reload  whether to load even when every source is unchanged (after a manual change to the target, say)
 */
public record RunRequest(Trigger trigger, Reload reload) {
    /** Whether an unchanged source may end the run early. */
    public enum Reload {
        /** Stop as UNCHANGED when every body is the one last loaded, with the same pipeline definition. */
        WHEN_CHANGED,
        /** Load whatever the bodies ({@code --force}). */
        ALWAYS
    }

    public static RunRequest of(Trigger trigger) {
        return new RunRequest(trigger, Reload.WHEN_CHANGED);
    }

    /** {@code --force}. */
    public static RunRequest forced(Trigger trigger) {
        return new RunRequest(trigger, Reload.ALWAYS);
    }
}
