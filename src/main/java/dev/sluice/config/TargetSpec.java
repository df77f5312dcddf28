package dev.sluice.config;

import java.util.List;
import java.util.Objects;

/**
 * The table a pipeline writes.
 *
 * @param schema         the PostgreSQL schema
 * @param table          the table name
 * @param columns        key columns first, then the other columns in source declaration order
 * @param changeLogLimit at most this many changed rows of one run are kept in the change log (counts stay exact)
 */
public record TargetSpec(String schema, String table, List<TargetColumn> columns, int changeLogLimit) {
    public TargetSpec {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(columns);
    }

    public List<TargetColumn> keyColumns() {
        return columns.stream().filter(TargetColumn::key).toList();
    }

    public List<TargetColumn> valueColumns() {
        return columns.stream().filter(c -> !c.key()).toList();
    }

    /** The quoted, schema-qualified name, safe to put in SQL. */
    public String qualifiedName() {
        return SqlIdentifier.quote(schema) + "." + SqlIdentifier.quote(table);
    }
}
