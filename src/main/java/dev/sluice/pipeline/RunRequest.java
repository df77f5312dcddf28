package dev.sluice.pipeline;

import dev.sluice.history.Trigger;
import java.time.Instant;
import java.util.Optional;

/**
 * How a run was asked for.
 *
 * @param trigger      what started it
 * @param reload       whether to load even when every source is unchanged (after a manual change to the target, say)
 * @param scheduledFor for a scheduled run, the time it was due: a run done for it is not done again
 */
public record RunRequest(Trigger trigger, Reload reload, Optional<Instant> scheduledFor) {
    /** Whether an unchanged source may end the run early. */
    public enum Reload {
        /** Stop as UNCHANGED when every body is the one last loaded, with the same pipeline definition. */
        WHEN_CHANGED,
        /** Load whatever the bodies ({@code --force}). */
        ALWAYS
    }

    public static RunRequest of(Trigger trigger) {
        return new RunRequest(trigger, Reload.WHEN_CHANGED, Optional.empty());
    }

    /** {@code --force}. */
    public static RunRequest forced(Trigger trigger) {
        return new RunRequest(trigger, Reload.ALWAYS, Optional.empty());
    }

    /** The run a schedule had due at {@code dueAt}. */
    public static RunRequest scheduled(Instant dueAt) {
        return new RunRequest(Trigger.SCHEDULE, Reload.WHEN_CHANGED, Optional.of(dueAt));
    }
}
