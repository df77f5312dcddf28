package dev.sluice.config;

/**
 * What to do with a value of a cumulative series that is lower than the highest earlier value of the same series
 * (ordered by the source's date key, within the rest of the key). Cumulative counts should never go down; when
 * they do it is either a correction (keep it, but say so) or a placeholder such as the {@code 0} JHU reports once
 * it stopped counting recoveries (store NULL, and say so).
 */
public enum DecreasePolicy {
    /** No check. */
    ALLOW,
    /** Keep the value and report a warning. */
    WARN,
    /** Store NULL instead of the value and report a warning. */
    SET_NULL,
    /** Fail the run. */
    FAIL
}
