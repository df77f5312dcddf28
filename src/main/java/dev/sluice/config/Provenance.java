package dev.sluice.config;

import java.util.Locale;

/**
 * The provenance columns a target may carry ({@code target.provenance}), set on every row a run inserts or updates:
 * when it last changed, by which run, from which file. A row the run left as it was keeps its own.
 */
public enum Provenance {
    /** {@code loaded_at timestamptz}: the run's start. */
    LOADED_AT(ColumnType.TIMESTAMPTZ),
    /** {@code run_id bigint}: the run, as {@code sluice history} and the dashboard number it. */
    RUN_ID(ColumnType.INTEGER),
    /** {@code source_file text}: the file the row was read from (its URL, credentials left out). */
    SOURCE_FILE(ColumnType.TEXT);

    private final ColumnType type;

    Provenance(ColumnType type) {
        this.type = type;
    }

    /** The column's name in the table: {@code loaded_at}, {@code run_id}, {@code source_file}. */
    public String column() {
        return name().toLowerCase(Locale.ROOT);
    }

    public ColumnType type() {
        return type;
    }
}
