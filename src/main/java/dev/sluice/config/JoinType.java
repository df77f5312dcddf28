package dev.sluice.config;

/** How the rows of several sources are joined on their key. Sources join in the order they are declared. */
public enum JoinType {
    /** Every row of the first source; the others' columns are NULL where they have no row. */
    LEFT,
    /** Only keys present in every source. */
    INNER,
    /** Every key of any source. */
    FULL
}
