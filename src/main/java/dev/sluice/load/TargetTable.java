package dev.sluice.load;

import dev.sluice.config.ColumnType;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetColumn;
import dev.sluice.config.TargetSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Creates the target table when it does not exist, and otherwise checks that it can hold what the pipeline loads.
 * Extra columns are allowed (bookkeeping added by users) as long as an insert need not set them.
 */
final class TargetTable {

    private TargetTable() {}

    /**
     * Whether an existing column of type {@code found} (as {@code format_type} names it) takes the pipeline's values
     * as they are: the same type, or for text, a varchar a user created.
     */
    private static boolean accepts(ColumnType type, String found) {
        return found.equals(type.catalogName()) || (type == ColumnType.TEXT && found.equals("character varying"));
    }

    /** The table's full definition, as {@code sluice check} shows it. */
    static String createStatement(TargetSpec target) {
        return "create table if not exists " + target.qualifiedName() + " (" + columnDefinitions(target)
                + ", primary key (" + keyList(target) + "))";
    }

    private static String createWithoutKey(TargetSpec target) {
        return "create table " + target.qualifiedName() + " (" + columnDefinitions(target) + ")";
    }

    private static String columnDefinitions(TargetSpec target) {
        return target.columns().stream()
                .map(c -> SqlIdentifier.quote(c.name()) + " " + c.type().sqlType() + (c.notNull() ? " not null" : ""))
                .collect(Collectors.joining(", "));
    }

    private static String keyList(TargetSpec target) {
        return target.keyColumns().stream()
                .map(c -> SqlIdentifier.quote(c.name()))
                .collect(Collectors.joining(", "));
    }

    /** What {@link #ensure} found. */
    enum State {
        /** Created in this transaction, still without its primary key. */
        CREATED_NOW,
        /** It existed and can hold what the pipeline loads. */
        EXISTING
    }

    /**
     * Creates the target when it does not exist, or checks it. A table created here is created without its primary
     * key, which the caller adds with {@link #addPrimaryKey}, after the first rows when it copies them straight in.
     * Nobody else can see the table before the transaction commits.
     */
    static State ensure(Connection connection, TargetSpec target) throws SQLException {
        boolean exists;
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(
                        "select to_regclass('" + target.qualifiedName().replace("'", "''") + "') is not null")) {
            rs.next();
            exists = rs.getBoolean(1);
        }
        try (Statement st = connection.createStatement()) {
            if (!target.schema().equals("public")) {
                st.execute("create schema if not exists " + SqlIdentifier.quote(target.schema()));
            }
            if (!exists) {
                st.execute(createWithoutKey(target));
            }
            grantToReader(st, target);
        }
        if (exists) {
            verify(connection, target);
            return State.EXISTING;
        }
        return State.CREATED_NOW;
    }

    static void addPrimaryKey(Connection connection, TargetSpec target) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("alter table " + target.qualifiedName() + " add primary key (" + keyList(target) + ")");
        }
    }

    /** The dashboard's SELECT-only role may read every target (when the role exists: see migration V3). */
    private static void grantToReader(Statement st, TargetSpec target) throws SQLException {
        try (ResultSet rs = st.executeQuery("select exists (select 1 from pg_roles where rolname = 'sluice_reader')"
                + " and not has_table_privilege('sluice_reader', '"
                + target.qualifiedName().replace("'", "''")
                + "', 'select')")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return;
            }
        }
        st.execute("grant usage on schema " + SqlIdentifier.quote(target.schema()) + " to sluice_reader");
        st.execute("grant select on " + target.qualifiedName() + " to sluice_reader");
    }

    private record Existing(String type, boolean notNull, boolean hasDefault) {}

    private static void verify(Connection connection, TargetSpec target) throws SQLException {
        Map<String, Existing> existing = new HashMap<>();
        try (PreparedStatement st = connection.prepareStatement("""
                select a.attname, format_type(a.atttypid, null), a.attnotnull, a.atthasdef or a.attidentity <> ''
                from pg_attribute a where a.attrelid = to_regclass(?) and a.attnum > 0 and not a.attisdropped""")) {
            st.setString(1, target.qualifiedName());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    existing.put(rs.getString(1), new Existing(rs.getString(2), rs.getBoolean(3), rs.getBoolean(4)));
                }
            }
        }
        String table = target.schema() + "." + target.table();
        for (TargetColumn column : target.columns()) {
            Existing found = existing.remove(column.name());
            if (found == null) {
                throw new TargetSchemaException(
                        table,
                        column.name(),
                        "has no column " + column.name()
                                + "; add it: alter table " + target.qualifiedName() + " add column "
                                + SqlIdentifier.quote(column.name()) + " "
                                + column.type().sqlType());
            }
            if (!accepts(column.type(), found.type())) {
                throw new TargetSchemaException(
                        table,
                        column.name(),
                        "column " + column.name() + " is " + found.type() + "; the pipeline loads "
                                + column.type().sqlType());
            }
            if (found.notNull() && !column.notNull()) {
                throw new TargetSchemaException(
                        table,
                        column.name(),
                        "column " + column.name() + " is NOT NULL, but the pipeline can load NULL into it");
            }
        }
        for (Map.Entry<String, Existing> extra : existing.entrySet()) {
            if (extra.getValue().notNull() && !extra.getValue().hasDefault()) {
                throw new TargetSchemaException(
                        table,
                        extra.getKey(),
                        "column " + extra.getKey()
                                + " is NOT NULL without a default, and the pipeline does not load it");
            }
        }
        verifyUniqueKey(connection, target, table);
    }

    /** The merge compares rows by key; without a unique key, "the row for this key" is not well defined. */
    private static void verifyUniqueKey(Connection connection, TargetSpec target, String table) throws SQLException {
        List<String> key =
                target.keyColumns().stream().map(TargetColumn::name).sorted().toList();
        try (PreparedStatement st = connection.prepareStatement("""
                select array(select a.attname::text from unnest(i.indkey) k join pg_attribute a
                             on a.attrelid = i.indrelid and a.attnum = k order by 1)
                from pg_index i where i.indrelid = to_regclass(?) and i.indisunique and i.indpred is null""")) {
            st.setString(1, target.qualifiedName());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    List<String> columns = List.of((String[]) rs.getArray(1).getArray());
                    if (columns.equals(key)) {
                        return;
                    }
                }
            }
        }
        throw new TargetSchemaException(table, null, "has no primary key or unique index on exactly " + key);
    }
}
