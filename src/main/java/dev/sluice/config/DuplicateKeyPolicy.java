package dev.sluice.config;

/**
 * What a run does when two rows of a source have the same key (a source's {@code duplicate_keys}). Whatever the
 * policy, the rows left out are counted and the run's warnings say so.
 */
public enum DuplicateKeyPolicy {
    /** The run fails, naming the key and the lines that repeat it. The default. */
    FAIL,
    /** The first row of each key (by file, then line) is loaded; the rows that repeat it are left out. */
    KEEP_FIRST,
    /** The last row of each key is loaded: a publisher that appends corrections wins. */
    KEEP_LAST
}
