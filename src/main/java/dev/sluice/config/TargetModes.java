package dev.sluice.config;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads how a target follows its source: {@code mode}, {@code delete} (mirror), {@code valid_from} (history),
 * {@code schema_changes} and {@code guards}, each checked against the mode and the columns.
 */
final class TargetModes {
    private TargetModes() {}

    static TargetSpec read(
            ConfigNode node, String schema, String table, List<TargetColumn> columns, int changeLogLimit) {
        LoadMode mode = node.enumValue("mode", LoadMode.class, LoadMode.UPSERT);
        for (TargetColumn column : columns) {
            if (TargetSpec.reserved(column.name())) {
                throw node.error(
                        "mode",
                        "column '" + column.name() + "' has a name sluice keeps for itself ("
                                + String.join(", ", TargetSpec.SYSTEM_NAMES) + ", " + TargetSpec.LINE + ", "
                                + TargetSpec.RESERVED_PREFIX + "...): rename it with  as:");
            }
        }
        int keys = (int) columns.stream().filter(TargetColumn::key).count();
        int most = TargetSpec.maxColumns(keys);
        if (columns.size() > most) {
            throw node.error(
                    "table",
                    String.format(
                            Locale.ROOT,
                            "would have %,d columns; sluice loads at most %,d into one table with %d key columns"
                                    + " (PostgreSQL's limit is %,d columns, and sluice compares each row beside %d"
                                    + " columns of its own): load fewer columns, or split them into two pipelines",
                            columns.size(),
                            most,
                            keys,
                            TargetSpec.POSTGRES_MAX_COLUMNS,
                            TargetSpec.POSTGRES_MAX_COLUMNS - most));
        }
        if (mode != LoadMode.APPEND
                && mode != LoadMode.REPLACE
                && columns.stream().noneMatch(TargetColumn::key)) {
            throw node.error(
                    "mode", "a " + name(mode) + " table needs a key; only append and replace take rows without one");
        }
        if (node.has("delete") && mode != LoadMode.MIRROR) {
            throw node.error("delete", "is for mode: mirror");
        }
        TargetSpec.Deletes deletes = node.enumValue("delete", TargetSpec.Deletes.class, TargetSpec.Deletes.HARD);
        Optional<String> versionedBy = Optional.empty();
        if (node.has("valid_from")) {
            if (mode != LoadMode.HISTORY) {
                throw node.error("valid_from", "is for mode: history");
            }
            String column = node.text("valid_from").trim();
            TargetColumn found = columns.stream()
                    .filter(c -> c.name().equals(column) && c.role() == TargetColumn.Role.VALUE)
                    .findFirst()
                    .orElseThrow(() -> node.error(
                            "valid_from", "'" + column + "' is not a value column of the table (not in the key)"));
            if (!found.type().isTemporal() || !found.notNull()) {
                throw node.error(
                        "valid_from", "'" + column + "' must be a required date, timestamp or timestamptz column");
            }
            versionedBy = Optional.of(column);
        }
        if (mode == LoadMode.HISTORY && (table + "_current").length() > 63) {
            throw node.error("table", "a history table's name must leave room for its view " + table + "_current");
        }
        return new TargetSpec(
                schema,
                table,
                columns,
                changeLogLimit,
                mode,
                deletes,
                versionedBy,
                node.enumValue("schema_changes", SchemaPolicy.class, SchemaPolicy.EVOLVE),
                guards(node, mode),
                provenance(node, columns));
    }

    /** {@code provenance: [loaded_at, run_id, source_file]}: each a column no pipeline column may take. */
    private static Set<Provenance> provenance(ConfigNode target, List<TargetColumn> columns) {
        if (!target.has("provenance")) {
            return Set.of();
        }
        Set<Provenance> provenance = EnumSet.noneOf(Provenance.class);
        for (String value : target.textList("provenance")) {
            Provenance column;
            try {
                column = Provenance.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw target.error(
                        "provenance", "unknown column '" + value + "'; expected loaded_at, run_id or source_file");
            }
            if (columns.stream().anyMatch(c -> c.name().equals(column.column()))) {
                throw target.error(
                        "provenance", "the table already has a column '" + column.column() + "': rename it with  as:");
            }
            provenance.add(column);
        }
        return provenance;
    }

    private static Guards guards(ConfigNode target, LoadMode mode) {
        Guards defaults = Guards.defaultsFor(mode);
        if (!target.has("guards")) {
            return defaults;
        }
        ConfigNode node = target.child("guards");
        node.allowOnly("max_row_drop", "min_rows", "max_changed");
        return new Guards(
                node.optionalLimit("max_row_drop", defaults.maxRowDrop()),
                node.has("min_rows")
                        ? OptionalLong.of(node.integer("min_rows", 0, 0, Integer.MAX_VALUE))
                        : OptionalLong.empty(),
                node.optionalLimit("max_changed", defaults.maxChanged()));
    }

    private static String name(LoadMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }
}
