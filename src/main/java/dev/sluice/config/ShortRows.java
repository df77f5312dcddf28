package dev.sluice.config;

/** What a run does with a row that has fewer fields than the header (a source's {@code short_rows}). */
public enum ShortRows {
    /** The row is invalid, as any malformed row. The default. */
    FAIL,
    /**
     * The missing trailing fields are empty: publishers leave off the trailing empty fields of a row. A row with
     * more fields than the header is still invalid.
     */
    PAD
}
