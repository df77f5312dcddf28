package dev.sluice.config;

/**
 * A column of the target table, derived from the sources: its SQL type follows the source column's type, and it
 * is NOT NULL when every row is sure to have a value (a required column of a source no join can leave out).
 */
public record TargetColumn(String name, ColumnType type, boolean notNull, boolean key, String source) {}
