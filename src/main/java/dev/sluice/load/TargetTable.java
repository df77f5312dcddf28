package dev.sluice.load;

import dev.sluice.config.ColumnType;
import dev.sluice.config.LoadMode;
import dev.sluice.config.SchemaPolicy;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetColumn;
import dev.sluice.config.TargetSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Creates the target table when it does not exist, and otherwise compares it with what the pipeline loads: the
 * {@link SchemaPlan} says what a run will change (with {@code schema_changes: evolve}, add a column the pipeline
 * gained, let a column it no longer fills hold NULL) or why it cannot load (a changed type or key, a mode the table
 * was not made for, or with {@code freeze} any difference), with the SQL a user would run to migrate. Extra nullable
 * columns are allowed (bookkeeping added by users).
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
        List<String> key = target.primaryKey();
        return "create table if not exists " + target.qualifiedName() + " (" + columnDefinitions(target)
                + (key.isEmpty() ? "" : ", primary key (" + quoted(key) + ")") + ")";
    }

    private static String createWithoutKey(TargetSpec target) {
        return "create table " + target.qualifiedName() + " (" + columnDefinitions(target) + ")";
    }

    private static String columnDefinitions(TargetSpec target) {
        return target.allColumns().stream().map(TargetTable::definition).collect(Collectors.joining(", "));
    }

    private static String definition(TargetColumn c) {
        return SqlIdentifier.quote(c.name()) + " " + c.type().sqlType() + (c.notNull() ? " not null" : "");
    }

    private static String quoted(List<String> names) {
        return names.stream().map(SqlIdentifier::quote).collect(Collectors.joining(", "));
    }

    /** What {@link #ensure} found. */
    enum State {
        /** Created in this transaction, still without its primary key. */
        CREATED_NOW,
        /** It existed and can hold what the pipeline loads (after the plan's changes). */
        EXISTING
    }

    /** What {@link #ensure} did, and what the run should say about it. */
    record Ensured(State state, List<String> warnings) {}

    /**
     * Creates the target when it does not exist, or brings it in line with the pipeline (see {@link SchemaPlan}). A
     * table created here is created without its primary key, which the caller adds with {@link #addPrimaryKey},
     * after the first rows when it copies them straight in. Nobody else can see the table before the transaction
     * commits.
     *
     * @throws TargetSchemaException when the table cannot hold what the pipeline loads
     */
    static Ensured ensure(Connection connection, TargetSpec target) throws SQLException {
        SchemaPlan plan = plan(connection, target);
        plan.failure().ifPresent(failure -> {
            throw failure;
        });
        try (Statement st = connection.createStatement()) {
            if (plan.creates()) {
                st.execute(createWithoutKey(target));
            } else {
                for (String statement : plan.statements()) {
                    st.execute(statement);
                }
            }
            // The view changes only with the table: recreating it on every load would lock it against the
            // dashboard's readers for the whole load.
            if (target.mode() == LoadMode.HISTORY
                    && (plan.creates() || !plan.statements().isEmpty())) {
                st.execute("drop view if exists " + target.currentViewName());
                st.execute("create view " + target.currentViewName() + " as select "
                        + quoted(target.columns().stream()
                                .map(TargetColumn::name)
                                .toList()) + ", "
                        + SqlIdentifier.quote(TargetSpec.VALID_FROM) + " from " + target.qualifiedName() + " where "
                        + SqlIdentifier.quote(TargetSpec.VALID_TO) + " is null");
            }
            if (target.mode() == LoadMode.HISTORY && plan.creates()) {
                // One current version per key, and the way to it: the run closes current versions by key.
                st.execute("create unique index on " + target.qualifiedName() + " ("
                        + quoted(target.keyColumns().stream()
                                .map(TargetColumn::name)
                                .toList()) + ") where "
                        + SqlIdentifier.quote(TargetSpec.VALID_TO) + " is null");
            }
            if (target.mode() == LoadMode.APPEND && plan.creates()) {
                st.execute("create index on " + target.qualifiedName() + " (" + SqlIdentifier.quote(TargetSpec.RUN_ID)
                        + ")");
            }
            grantToReader(st, target, plan.creates());
        }
        return new Ensured(plan.creates() ? State.CREATED_NOW : State.EXISTING, plan.warnings());
    }

    static void addPrimaryKey(Connection connection, TargetSpec target) throws SQLException {
        if (target.primaryKey().isEmpty()) {
            return;
        }
        try (Statement st = connection.createStatement()) {
            st.execute(
                    "alter table " + target.qualifiedName() + " add primary key (" + quoted(target.primaryKey()) + ")");
        }
    }

    /**
     * The dashboard's SELECT-only role may read every target (when the role exists: see migration V3): granted with
     * the table, or once to a table made by someone else. Checked first, so that a load never updates the catalog
     * row of a table it did not create (a GRANT would, and two loads granting at once fail "tuple concurrently
     * updated").
     */
    private static void grantToReader(Statement st, TargetSpec target, boolean created) throws SQLException {
        String qualified = "'" + target.qualifiedName().replace("'", "''") + "'";
        boolean history = target.mode() == LoadMode.HISTORY;
        String view = history ? "'" + target.currentViewName().replace("'", "''") + "'" : "";
        try (ResultSet rs = st.executeQuery("select r.oid is not null, r.oid is not null and not ("
                + "has_table_privilege(r.oid, " + qualified + ", 'SELECT')"
                + (history ? " and has_table_privilege(r.oid, " + view + ", 'SELECT')" : "")
                + ") from (select 1) one left join pg_roles r on r.rolname = 'sluice_reader'")) {
            rs.next();
            if (!rs.getBoolean(1) || (!created && !rs.getBoolean(2))) {
                return;
            }
        }
        st.execute("grant select on " + target.qualifiedName() + " to sluice_reader");
        if (history) {
            st.execute("grant select on " + target.currentViewName() + " to sluice_reader");
        }
    }

    /** The first key of the advisory lock under which a schema is set up: a namespace of its own. */
    private static final int SCHEMA_LOCK_NAMESPACE = 0x534c5553; // "SLUS"

    /**
     * Makes the target's schema exist and lets the dashboard's role use it, in a short transaction of its own before
     * the load's, and only when it is not so already: a load that granted inside its transaction would hold the
     * schema's catalog row until it commits, and every other load into the schema would wait for it. Two first loads
     * into one new schema take turns under an advisory lock. The connection must not be inside a transaction.
     */
    static void prepareSchema(Connection connection, TargetSpec target) throws SQLException {
        if (schemaReady(connection, target.schema())) {
            return;
        }
        connection.setAutoCommit(false);
        try (Statement st = connection.createStatement();
                PreparedStatement lock = connection.prepareStatement("select pg_advisory_xact_lock(?, hashtext(?))")) {
            lock.setInt(1, SCHEMA_LOCK_NAMESPACE);
            lock.setString(2, target.schema());
            lock.execute();
            st.execute("create schema if not exists " + SqlIdentifier.quote(target.schema()));
            try (ResultSet rs =
                    st.executeQuery("select exists (select 1 from pg_roles where rolname =" + " 'sluice_reader')")) {
                rs.next();
                if (rs.getBoolean(1) && !schemaReady(connection, target.schema())) {
                    st.execute("grant usage on schema " + SqlIdentifier.quote(target.schema()) + " to sluice_reader");
                }
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Whether the schema exists and the dashboard's role (if there is one) may use it. */
    private static boolean schemaReady(Connection connection, String schema) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("select n.oid is not null and (r.oid is null or"
                + " has_schema_privilege(r.oid, n.oid, 'USAGE')) from (select 1) one left join pg_namespace n on"
                + " n.nspname = ? left join pg_roles r on r.rolname = 'sluice_reader'")) {
            st.setString(1, schema);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private record Existing(String type, boolean notNull, boolean hasDefault) {}

    /**
     * What a run will do to the table, without doing it: for {@code sluice check --db} and for the load itself.
     */
    static SchemaPlan plan(Connection connection, TargetSpec target) throws SQLException {
        Map<String, Existing> existing = new LinkedHashMap<>();
        try (PreparedStatement st = connection.prepareStatement("""
                select a.attname, format_type(a.atttypid, null), a.attnotnull, a.atthasdef or a.attidentity <> ''
                from pg_attribute a where a.attrelid = to_regclass(?) and a.attnum > 0 and not a.attisdropped
                order by a.attnum""")) {
            st.setString(1, target.qualifiedName());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    existing.put(rs.getString(1), new Existing(rs.getString(2), rs.getBoolean(3), rs.getBoolean(4)));
                }
            }
        }
        if (existing.isEmpty()) {
            return SchemaPlan.create(target);
        }
        String table = target.schema() + "." + target.table();
        boolean freeze = target.schemaPolicy() == SchemaPolicy.FREEZE;
        List<String> statements = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (TargetColumn column : target.allColumns()) {
            Existing found = existing.remove(column.name());
            String quotedColumn = SqlIdentifier.quote(column.name());
            if (found == null) {
                String add = "alter table " + target.qualifiedName() + " add column " + quotedColumn + " "
                        + column.type().sqlType();
                if (column.role() == TargetColumn.Role.SYSTEM && column.notNull()) {
                    return SchemaPlan.failing(new TargetSchemaException(
                            table,
                            column.name(),
                            "was not made for mode " + target.mode().name().toLowerCase(java.util.Locale.ROOT)
                                    + ": it has no column " + column.name() + "; load a new table, or migrate"
                                    + " this one (" + add + " ... and its key)"));
                }
                if (freeze || column.key()) {
                    return SchemaPlan.failing(new TargetSchemaException(
                            table,
                            column.name(),
                            "has no column " + column.name() + (freeze ? " (schema_changes: freeze)" : ", a key column")
                                    + "; add it: " + add));
                }
                statements.add(add);
                warnings.add(table + ": added column " + column.name() + " "
                        + column.type().sqlType() + " (nullable: rows this run does not write keep NULL)");
                continue;
            }
            if (!accepts(column.type(), found.type())) {
                return SchemaPlan.failing(new TargetSchemaException(
                        table,
                        column.name(),
                        "column " + column.name() + " is " + found.type() + "; the pipeline loads "
                                + column.type().sqlType() + "; to migrate: alter table " + target.qualifiedName()
                                + " alter column " + quotedColumn + " type "
                                + column.type().sqlType() + " using "
                                + quotedColumn + "::" + column.type().sqlType()));
            }
            if (freeze && !found.notNull() && column.notNull()) {
                return SchemaPlan.failing(new TargetSchemaException(
                        table,
                        column.name(),
                        "column " + column.name() + " may hold NULL, but the pipeline declares it required"
                                + " (schema_changes: freeze)"));
            }
            if (found.notNull() && !column.notNull()) {
                if (freeze) {
                    return SchemaPlan.failing(new TargetSchemaException(
                            table,
                            column.name(),
                            "column " + column.name() + " is NOT NULL, but the pipeline can load NULL into it"
                                    + " (schema_changes: freeze)"));
                }
                statements.add(
                        "alter table " + target.qualifiedName() + " alter column " + quotedColumn + " drop not null");
                warnings.add(table + ": column " + column.name() + " may now hold NULL (the pipeline can load it)");
            }
        }
        for (Map.Entry<String, Existing> extra : existing.entrySet()) {
            if (freeze) {
                return SchemaPlan.failing(new TargetSchemaException(
                        table,
                        extra.getKey(),
                        "has a column " + extra.getKey() + " the pipeline does not load (schema_changes: freeze)"));
            }
            if (extra.getValue().notNull() && !extra.getValue().hasDefault()) {
                if (freeze) {
                    return SchemaPlan.failing(new TargetSchemaException(
                            table,
                            extra.getKey(),
                            "column " + extra.getKey() + " is NOT NULL without a default, and the pipeline does not"
                                    + " load it (schema_changes: freeze)"));
                }
                statements.add("alter table " + target.qualifiedName() + " alter column "
                        + SqlIdentifier.quote(extra.getKey()) + " drop not null");
                warnings.add(table + ": column " + extra.getKey() + " is no longer loaded; kept, now nullable");
            }
        }
        List<String> key = target.primaryKey();
        if (!key.isEmpty() && !hasUniqueIndexOn(connection, target, key)) {
            return SchemaPlan.failing(new TargetSchemaException(
                    table,
                    null,
                    "has no primary key or unique index on exactly " + key + "; to re-key: alter table "
                            + target.qualifiedName() + " drop constraint <its key>, add primary key (" + quoted(key)
                            + ")"));
        }
        return new SchemaPlan(false, statements, warnings, java.util.Optional.empty());
    }

    /** The merge compares rows by key; without a unique key, "the row for this key" is not well defined. */
    private static boolean hasUniqueIndexOn(Connection connection, TargetSpec target, List<String> keyColumns)
            throws SQLException {
        List<String> key = keyColumns.stream().sorted().toList();
        try (PreparedStatement st = connection.prepareStatement("""
                select array(select a.attname::text from unnest(i.indkey) k join pg_attribute a
                             on a.attrelid = i.indrelid and a.attnum = k order by 1)
                from pg_index i where i.indrelid = to_regclass(?) and i.indisunique and i.indpred is null""")) {
            st.setString(1, target.qualifiedName());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    if (List.of((String[]) rs.getArray(1).getArray()).equals(key)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
