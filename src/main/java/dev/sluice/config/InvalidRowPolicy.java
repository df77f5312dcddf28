package dev.sluice.config;

/** What a run does with rows that have an invalid value. */
public enum InvalidRowPolicy {
    /** Load nothing and fail the run, naming every problem (up to the cap). The default. */
    FAIL_RUN,
    /** Leave the invalid rows out, load the rest, and report them as a warning. */
    SKIP,
    /**
     * Leave the invalid rows out and keep each in {@code sluice.rejected_rows} with why; past {@code max_invalid}
     * the run fails as with {@code FAIL_RUN}.
     */
    QUARANTINE
}
