package dev.sluice.config;

/**
 * A column of the target table, derived from the sources: its SQL type follows the source column's type, and it
 * is NOT NULL when every row is sure to have a value (a required column of a source no join can leave out).
 *
 * @param source the source it comes from
 */
public record TargetColumn(String name, ColumnType type, Role role, Nulls nulls, String source) {
    /** What the column is for. */
    public enum Role {
        /** It identifies a row. */
        KEY,
        /** It holds a value of the source. */
        VALUE,
        /** sluice keeps it for the load mode: {@code run_id}, {@code deleted_at}, {@code valid_from}, {@code valid_to}. */
        SYSTEM
    }

    /** Whether every row has a value. */
    public enum Nulls {
        NOT_NULL,
        NULLABLE
    }

    public boolean key() {
        return role == Role.KEY;
    }

    public boolean notNull() {
        return nulls == Nulls.NOT_NULL;
    }
}
