package dev.sluice.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The table a pipeline writes, and how it follows its source.
 *
 * @param schema         the PostgreSQL schema
 * @param table          the table name
 * @param columns        the data: key columns first, then the other columns in source declaration order
 * @param changeLogLimit at most this many changed rows of one run are kept in the change log (counts stay exact)
 * @param mode           how the table follows its source
 * @param deletes        in {@code MIRROR}: whether a key the publication lacks is deleted, or kept with its
 *                       {@code deleted_at} set
 * @param versionedBy    in {@code HISTORY}: the source column whose value is a version's start; empty for the run's
 *                       time
 * @param schemaPolicy   what a run does when the pipeline's columns and the table's differ
 * @param guards         checks against a valid but wrong publication
 * @param provenance     the provenance columns each written row carries
 */
public record TargetSpec(
        String schema,
        String table,
        List<TargetColumn> columns,
        int changeLogLimit,
        LoadMode mode,
        Deletes deletes,
        Optional<String> versionedBy,
        SchemaPolicy schemaPolicy,
        Guards guards,
        Set<Provenance> provenance) {

    /** In {@code MIRROR}, what happens to a key the publication no longer has. */
    public enum Deletes {
        /** The row is deleted. */
        HARD,
        /** The row stays, with {@code deleted_at} set; cleared when the key comes back. */
        SOFT
    }

    /** The columns sluice adds for a mode; a pipeline's own columns may not take these names. */
    public static final String RUN_ID = "run_id";

    public static final String DELETED_AT = "deleted_at";
    public static final String VALID_FROM = "valid_from";
    public static final String VALID_TO = "valid_to";
    public static final List<String> SYSTEM_NAMES = List.of(RUN_ID, DELETED_AT, VALID_FROM, VALID_TO);
    /** The column of a staging table that holds each row's file and line. */
    public static final String LINE = "_line";
    /** The prefix of the columns sluice adds to its own temporary tables beside a table's. */
    public static final String RESERVED_PREFIX = "_sluice_";

    /** The most columns a PostgreSQL table has (MaxHeapAttributeNumber). */
    public static final int POSTGRES_MAX_COLUMNS = 1600;

    /**
     * The most data columns a table of {@code keyColumns} key columns may have: the comparison with the table keeps,
     * beside the publication's columns, each key of the table's side and three of its own in one temporary table.
     */
    public static int maxColumns(int keyColumns) {
        return POSTGRES_MAX_COLUMNS - keyColumns - 3;
    }

    /** The most bytes a row of a PostgreSQL table takes (MaxHeapTupleSize), values that cannot be moved out included. */
    public static final int POSTGRES_MAX_ROW_BYTES = 8_160;

    /**
     * The fewest bytes a row of this table takes when every column has a value (its header, then each value at its
     * smallest): past {@link #POSTGRES_MAX_ROW_BYTES}, a row that fills its columns cannot be stored, whatever sluice
     * does. Wide tables of numbers meet it near 1,000 columns; text of a few characters, near 4,000.
     */
    public int fullRowBytes() {
        int bitmap = (allColumns().size() + 7) / 8;
        return 24
                + bitmap
                + allColumns().stream().mapToInt(c -> c.type().leastBytes()).sum();
    }

    /** Whether a pipeline column may not take this name: sluice's own, in the table or beside it. */
    public static boolean reserved(String name) {
        return SYSTEM_NAMES.contains(name) || name.equals(LINE) || name.startsWith(RESERVED_PREFIX);
    }

    public TargetSpec {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(deletes, "deletes");
        Objects.requireNonNull(versionedBy, "versionedBy");
        Objects.requireNonNull(schemaPolicy, "schemaPolicy");
        Objects.requireNonNull(guards, "guards");
        columns = List.copyOf(columns);
        provenance = Set.copyOf(provenance);
    }

    /** An upsert target with the defaults: for tests and for pipelines built in code. */
    public static TargetSpec upsert(String schema, String table, List<TargetColumn> columns, int changeLogLimit) {
        return new TargetSpec(
                schema,
                table,
                columns,
                changeLogLimit,
                LoadMode.UPSERT,
                Deletes.HARD,
                Optional.empty(),
                SchemaPolicy.EVOLVE,
                Guards.defaultsFor(LoadMode.UPSERT),
                Set.of());
    }

    public List<TargetColumn> keyColumns() {
        return columns.stream().filter(TargetColumn::key).toList();
    }

    public List<TargetColumn> valueColumns() {
        return columns.stream().filter(c -> c.role() == TargetColumn.Role.VALUE).toList();
    }

    /**
     * The columns the mode adds ({@code run_id}, {@code deleted_at}, or {@code valid_from} and {@code valid_to}),
     * then the provenance columns asked for.
     */
    public List<TargetColumn> systemColumns() {
        List<TargetColumn> system = new ArrayList<>();
        switch (mode) {
            case APPEND -> system.add(system(RUN_ID, ColumnType.INTEGER, TargetColumn.Nulls.NOT_NULL));
            case MIRROR -> {
                if (deletes == Deletes.SOFT) {
                    system.add(system(DELETED_AT, ColumnType.TIMESTAMPTZ, TargetColumn.Nulls.NULLABLE));
                }
            }
            case HISTORY -> {
                system.add(system(VALID_FROM, ColumnType.TIMESTAMPTZ, TargetColumn.Nulls.NOT_NULL));
                system.add(system(VALID_TO, ColumnType.TIMESTAMPTZ, TargetColumn.Nulls.NULLABLE));
            }
            default -> {
                // upsert and replace add nothing
            }
        }
        for (Provenance column : Provenance.values()) {
            boolean already = system.stream().anyMatch(c -> c.name().equals(column.column()));
            if (provenance.contains(column) && !already) {
                system.add(system(column.column(), column.type(), TargetColumn.Nulls.NULLABLE));
            }
        }
        return system;
    }

    private static TargetColumn system(String name, ColumnType type, TargetColumn.Nulls nulls) {
        return new TargetColumn(name, type, TargetColumn.Role.SYSTEM, nulls, "sluice");
    }

    /** Every column of the table: the data, then the mode's own. */
    public List<TargetColumn> allColumns() {
        List<TargetColumn> all = new ArrayList<>(columns);
        all.addAll(systemColumns());
        return all;
    }

    /** The date or time column of the key, which the dashboard charts over; empty when the key has none. */
    public java.util.Optional<TargetColumn> timeKey() {
        return keyColumns().stream().filter(c -> c.type().isTemporal()).findFirst();
    }

    /**
     * The primary key: the key, with {@code valid_from} in {@code HISTORY}; none in {@code APPEND}. The time column
     * comes last: the dashboard reads one series over time ({@code fips = ? order by date}), which an index led by
     * the rest of the key answers in a range scan, and led by the time answers only by reading it all (10 million
     * county rows: a second per request).
     */
    public List<String> primaryKey() {
        java.util.Optional<TargetColumn> time = timeKey();
        List<String> key = new ArrayList<>();
        keyColumns().stream()
                .filter(c -> time.map(t -> !t.equals(c)).orElse(true))
                .forEach(c -> key.add(c.name()));
        time.ifPresent(t -> key.add(t.name()));
        if (mode == LoadMode.HISTORY) {
            key.add(VALID_FROM);
        }
        return mode == LoadMode.APPEND ? List.of() : key;
    }

    /** The quoted, schema-qualified name, safe to put in SQL. */
    public String qualifiedName() {
        return SqlIdentifier.quote(schema) + "." + SqlIdentifier.quote(table);
    }

    /** In {@code HISTORY}, the view of the current versions: {@code <table>_current}. */
    public String currentViewName() {
        return SqlIdentifier.quote(schema) + "." + SqlIdentifier.quote(table + "_current");
    }
}
