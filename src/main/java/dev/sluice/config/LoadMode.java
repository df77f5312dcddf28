package dev.sluice.config;

/**
 * How a table follows its source (the pipeline's {@code target.mode}). Every mode is one transaction with exact
 * counts per key: inserted (keys new to the table), updated (keys whose values changed; in {@code HISTORY}, keys that
 * got a new version), deleted (keys gone) and unchanged (the rest of the publication).
 */
public enum LoadMode {
    /** New keys inserted, changed ones updated; keys the source dropped stay. The default. */
    UPSERT,
    /** The table becomes exactly the latest publication: keys it no longer has are deleted (or marked deleted). */
    MIRROR,
    /** Every row of each new publication is added, with the run that added it; no key needed. */
    APPEND,
    /** The table's rows are replaced by the publication's, every row rewritten, atomically. */
    REPLACE,
    /** One row per version of a key, valid from one time until the next (a slowly changing dimension, type 2). */
    HISTORY;

    /** The modes in which a key the source no longer has leaves the table (or its current versions). */
    public boolean removesMissingKeys() {
        return this == MIRROR || this == REPLACE || this == HISTORY;
    }
}
