package dev.sluice.history;

/** What started a run. */
public enum Trigger {
    /** {@code sluice run}. */
    CLI,
    /** The schedule of {@code sluice serve}. */
    SCHEDULE,
    /** "Run now" through the API. */
    MANUAL,
    /** {@code sluice demo}. */
    DEMO,
    /** {@code sluice backfill}: a past publication replayed as of its own time, told to nobody. */
    BACKFILL
}
