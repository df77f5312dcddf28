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
 * @param commit       whether the run commits what it did, or rolls it back ({@code --dry-run})
 */
public record RunRequest(Trigger trigger, Reload reload, Optional<Instant> scheduledFor, Commit commit) {
    /** What a run does with its transaction once everything is checked. */
    public enum Commit {
        /** Commit: the table changes, the sources' state is saved, people are told. */
        COMMIT,
        /**
         * Roll back: the run is recorded as a dry run with its counts, expectations, revisions and a sample of its
         * changes; the table, the sources' state and the feed's freshness stay as they were, and nobody is told.
         */
        DRY_RUN
    }

    public RunRequest(Trigger trigger, Reload reload, Optional<Instant> scheduledFor) {
        this(trigger, reload, scheduledFor, Commit.COMMIT);
    }

    /** The same request, rolled back at the end ({@code --dry-run}). */
    public RunRequest dryRun() {
        return new RunRequest(trigger, reload, scheduledFor, Commit.DRY_RUN);
    }

    public boolean isDryRun() {
        return commit == Commit.DRY_RUN;
    }

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
