package dev.sluice.config;

/** How a header with fewer fields than the rows is read (a source's {@code short_header}). */
public enum ShortHeader {
    /** Every row must have as many fields as the header. The default. */
    FAIL,
    /**
     * The header names the last fields of each row, and the fields before them are unnamed, as R's
     * {@code write.table} and pandas write their row names: the unnamed fields are found by position with an empty
     * header ({@code header: "", position: 1}).
     */
    ROW_NAMES
}
