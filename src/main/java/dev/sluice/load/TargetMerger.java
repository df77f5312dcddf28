package dev.sluice.load;

import dev.sluice.config.LoadMode;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetColumn;
import dev.sluice.config.TargetSpec;
import dev.sluice.history.Revisions;
import dev.sluice.history.RowCounts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Joins the staged sources and writes the result into the target as its mode says, writing only what changed. The
 * comparison is of typed values with NULL-safe {@code IS DISTINCT FROM}, computed once into a temporary table of
 * changes (and, for the modes that remove what a publication lacks, one of keys gone); the writes, the counts and the
 * change log all read from them. Unchanged rows are never locked or rewritten, so an unchanged re-run writes
 * (almost) no WAL; only {@code replace} rewrites every row, by design.
 *
 * <ul>
 *   <li>upsert: insert new keys, update changed ones;</li>
 *   <li>mirror: the same, and delete the keys gone (or, with {@code delete: soft}, set their {@code deleted_at};
 *   a key that comes back is cleared);</li>
 *   <li>replace: the counts of a mirror, then every row deleted and the publication inserted;</li>
 *   <li>history: a changed key's current version closed and a new one opened, a new key's first version opened,
 *   a key gone closed; versions start at the run's time or at a declared column's value.</li>
 * </ul>
 */
final class TargetMerger {
    private static final String MERGED = "sluice.merged_";
    private static final String CHANGES = "sluice_changes";
    private static final String GONE = "sluice_gone";
    private static final String DIFFERENCE = "sluice_difference";
    /**
     * The columns sluice adds to its temporary tables beside the table's own, in a namespace no pipeline column may
     * take ({@link dev.sluice.config.TargetSpec#RESERVED_PREFIX}).
     */
    private static final String NEW = "_sluice_new";

    private static final String REVIVED = "_sluice_revived";
    private static final String GONE_FLAG = "_sluice_gone";
    private static final String OLD = "_sluice_old";
    private static final String KEY_PREFIX = "_sluice_key_";
    /** Staged rows past which a digest comparison joins them to the table by hashing, not by key lookups. */
    private static final long HASH_JOIN_FROM = 30_000;

    private final PipelineSpec spec;
    private final TargetSpec target;
    private final Instant started;
    private final ProvenanceColumns provenance;
    private final LoadComparison.Kind comparison;

    /** @param comparison how the publication is compared with the table, chosen when the load began */
    TargetMerger(PipelineSpec spec, Instant started, ProvenanceColumns provenance, LoadComparison.Kind comparison) {
        this.spec = spec;
        this.target = spec.target();
        this.started = started;
        this.provenance = provenance;
        this.comparison = comparison;
    }

    TargetMerger(PipelineSpec spec) {
        this(
                spec,
                Instant.EPOCH,
                new ProvenanceColumns(spec.target(), 0, Instant.EPOCH, List.of()),
                LoadComparison.Kind.JOIN_AND_ANTI_JOIN);
    }

    LoadOutcome merge(Connection connection, List<StagedSource> staged, long runId, List<String> warnings)
            throws SQLException {
        try (Statement st = connection.createStatement()) {
            String merged = staged.size() == 1 ? staged.get(0).table() : MERGED + runId;
            long total = staged.size() == 1 ? staged.get(0).rows() : st.executeUpdate(joinStatement(staged, merged));
            long changed;
            long gone = 0;
            if (comparison == LoadComparison.Kind.DELTA) {
                // Only the rows that differ from the last publication were staged. Few: with their size known the
                // planner reaches the table's rows through its key (13,216 rows: 0.15 s). Many: one pass over the
                // table beats a lookup per row (90,144 rows, measured: 1.5 s by key, 0.4 s by hash join).
                if (staged.get(0).staged() > HASH_JOIN_FROM) {
                    compareWholeTable(st);
                }
                st.execute("analyze " + merged);
                st.execute("analyze " + staged.get(0).unmatched().orElseThrow());
                changed = st.executeUpdate(changesStatement(merged));
                if (target.mode().removesMissingKeys()) {
                    gone = st.executeUpdate(unmatchedGoneStatement(
                            merged, staged.get(0).unmatched().get()));
                }
            } else {
                compareWholeTable(st);
                if (comparison == LoadComparison.Kind.FULL_JOIN) {
                    st.executeUpdate(differenceStatement(merged));
                    changed = st.executeUpdate("create temp table " + CHANGES + " on commit drop as select "
                            + columnList("") + ", " + NEW + ", false as " + REVIVED + ", " + OLD
                            + provenance.carryLine(ProvenanceColumns.LINE) + " from " + DIFFERENCE + " where not "
                            + GONE_FLAG);
                    gone = st.executeUpdate(goneStatement());
                } else {
                    changed = st.executeUpdate(changesStatement(merged));
                    if (target.mode().removesMissingKeys()) {
                        gone = gone(st, merged, total);
                    }
                }
            }
            long inserted;
            long updated;
            try (PreparedStatement count = connection.prepareStatement("select count(*) filter (where " + NEW
                            + "), count(*) filter (where not " + NEW + ") from " + CHANGES);
                    var rs = count.executeQuery()) {
                rs.next();
                inserted = rs.getLong(1);
                updated = rs.getLong(2);
            }
            Optional<Revisions> revisions =
                    updated == 0 ? Optional.empty() : RevisionSummary.of(connection, target, CHANGES, NEW, OLD);
            st.execute("set local enable_nestloop = on");
            st.execute("set local enable_mergejoin = on");
            // The writes join these few rows to the whole table: with their real size known, the planner reaches
            // the table's rows through its key instead of scanning it (a history next day: 0.72 s to 0.05 s).
            st.execute("analyze " + CHANGES);
            if (gone > 0) {
                st.execute("analyze " + GONE);
            }
            write(connection, merged, changed, gone);
            long logged = logChanges(connection, runId);
            if (staged.size() > 1) {
                st.execute("drop table " + merged);
            }
            return new LoadOutcome(
                    new RowCounts(inserted, updated, gone, total - inserted - updated), logged, warnings, revisions);
        }
    }

    /**
     * Planner settings for a comparison of the whole publication with the whole table. No ANALYZE of the staging
     * tables: without statistics the planner sizes them from their pages and picks the same hash join; the ANALYZE
     * cost 0.12 s per million rows (measured). The planner's default costs keep the join serial; it finds few changed
     * rows, so handing them over from workers is cheap. The comparisons read the whole table and the whole
     * publication: hash joins, as the upsert's planner chooses anyway. With the key's indexes a history or mirror
     * table offers, the planner picked index nested loops and merge joins that took 1.27 s where a hash join takes
     * 0.74 s (1M rows, measured).
     *
     * <p>From PostgreSQL 16 a full join runs in parallel ({@link LoadComparison.Kind#FULL_JOIN}): one pass over the
     * table and the publication finds both the changes and the keys gone, where a left join and an anti-join read
     * both twice. 1M rows, PostgreSQL 17, measured: a mirror losing 1% of its keys 1.16 s to 0.93 s, a history losing
     * none 0.65 s either way. PostgreSQL 15 runs a full join serially (1.28 s where the parallel left join and the
     * count take 0.76 s), so there the two statements stay.
     */
    private static void compareWholeTable(Statement st) throws SQLException {
        st.execute("set local parallel_setup_cost = 10");
        st.execute("set local work_mem = '64MB'");
        st.execute("set local parallel_tuple_cost = 0.001");
        st.execute("set local enable_nestloop = off");
        st.execute("set local enable_mergejoin = off");
    }

    /**
     * The keys gone, when only the rows that differ from the last publication were staged: the keys of its rows no
     * row matched ({@code unmatched}) that no staged row has, among the table's live rows.
     */
    private String unmatchedGoneStatement(String merged, String unmatched) {
        String keyNames = target.keyColumns().stream()
                .map(c -> "t." + SqlIdentifier.quote(c.name()))
                .collect(Collectors.joining(", "));
        return "create temp table " + GONE + " on commit drop as select " + keyNames + ", "
                + ChangeLogRows.json(
                        target.valueColumns(),
                        i -> "t."
                                + SqlIdentifier.quote(
                                        target.valueColumns().get(i).name()))
                + " as " + OLD + " from " + unmatched + " u join " + target.qualifiedName() + " t on " + on("t", "u")
                + live("t") + " where not exists (select 1 from " + merged + " m where " + on("m", "u") + ")";
    }

    /** Carries out the mode's writes from the changes (and the keys gone); nothing to write is not written. */
    private void write(Connection connection, String merged, long changed, long gone) throws SQLException {
        if (changed == 0 && gone == 0 && target.mode() != LoadMode.REPLACE) {
            return;
        }
        try (Statement st = connection.createStatement()) {
            switch (target.mode()) {
                case UPSERT -> {
                    st.executeUpdate(insertStatement(""));
                    updateChanged(st, "");
                }
                case MIRROR -> {
                    boolean soft = target.deletes() == TargetSpec.Deletes.SOFT;
                    st.executeUpdate(insertStatement(""));
                    updateChanged(st, soft ? ", " + SqlIdentifier.quote(TargetSpec.DELETED_AT) + " = null" : "");
                    if (gone == 0) {
                        return;
                    }
                    if (soft) {
                        markGone(connection, SqlIdentifier.quote(TargetSpec.DELETED_AT));
                    } else {
                        st.executeUpdate("delete from " + target.qualifiedName() + " t using " + GONE + " g where "
                                + on("t", "g"));
                    }
                }
                case REPLACE -> {
                    st.executeUpdate("delete from " + target.qualifiedName());
                    st.executeUpdate("insert into " + target.qualifiedName() + " (" + columnList("")
                            + provenance.columns() + ") select " + columnList("") + provenance.values(TargetSpec.LINE)
                            + " from " + merged);
                }
                case HISTORY -> writeVersions(connection, gone);
                default -> throw new IllegalStateException("append rows are written by AppendRows");
            }
        }
    }

    private void updateChanged(Statement st, String alsoSetThen) throws SQLException {
        String alsoSet = alsoSetThen + provenance.assignments("c." + ProvenanceColumns.LINE);
        if (target.valueColumns().isEmpty() && alsoSet.isEmpty()) {
            return;
        }
        String set = target.valueColumns().stream()
                .map(c -> SqlIdentifier.quote(c.name()) + " = c." + SqlIdentifier.quote(c.name()))
                .collect(Collectors.joining(", "));
        if (set.isEmpty()) {
            set = alsoSet.substring(2);
        } else {
            set += alsoSet;
        }
        st.executeUpdate("update " + target.qualifiedName() + " t set " + set + " from " + CHANGES + " c where not c."
                + NEW + " and " + on("t", "c"));
    }

    /** Sets {@code column} to the run's start on the current rows of the keys gone. */
    private void markGone(Connection connection, String column) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("update " + target.qualifiedName() + " t set " + column
                + " = ? from " + GONE + " g where " + on("t", "g") + " and t." + column + " is null")) {
            st.setTimestamp(1, Timestamp.from(started));
            st.executeUpdate();
        }
    }

    /**
     * History: the current version of every changed key is closed where the new one starts, then the new versions
     * of changed and new keys are inserted, and the keys gone are closed at the run's start.
     */
    private void writeVersions(Connection connection, long gone) throws SQLException {
        String validFrom = SqlIdentifier.quote(TargetSpec.VALID_FROM);
        String validTo = SqlIdentifier.quote(TargetSpec.VALID_TO);
        String start = target.versionedBy()
                .map(c -> "c." + SqlIdentifier.quote(c) + "::timestamptz")
                .orElse("?::timestamptz");
        if (target.versionedBy().isPresent()) {
            try (Statement st = connection.createStatement();
                    var rs = st.executeQuery("select " + keyText("c") + ", " + start + "::text, t." + validFrom
                            + "::text from " + CHANGES + " c join " + target.qualifiedName() + " t on " + on("t", "c")
                            + " and t." + validTo + " is null where not c." + NEW + " and " + start + " <= t."
                            + validFrom
                            + " limit 1")) {
                if (rs.next()) {
                    throw new RuleViolationException(
                            spec.sources().get(0).name(),
                            new RowPositions.Place(null, 0),
                            target.versionedBy().get(),
                            rs.getString(2),
                            target.table() + ": key " + rs.getString(1) + " changed, but its new version would start"
                                    + " at " + rs.getString(2) + ", not after its current one (" + rs.getString(3)
                                    + "): valid_from must move forward");
                }
            }
        }
        try (PreparedStatement st = connection.prepareStatement("update " + target.qualifiedName() + " t set "
                + validTo + " = " + start + " from " + CHANGES + " c where not c." + NEW + " and " + on("t", "c")
                + " and t."
                + validTo + " is null")) {
            bindStart(st);
            st.executeUpdate();
        }
        try (PreparedStatement st = connection.prepareStatement("insert into " + target.qualifiedName() + " ("
                + columnList("") + ", " + validFrom + provenance.columns() + ") select " + columnList("c.") + ", "
                + start + provenance.values("c." + ProvenanceColumns.LINE) + " from " + CHANGES + " c")) {
            bindStart(st);
            st.executeUpdate();
        }
        if (gone > 0) {
            markGone(connection, validTo);
        }
    }

    private void bindStart(PreparedStatement st) throws SQLException {
        if (target.versionedBy().isEmpty()) {
            st.setTimestamp(1, Timestamp.from(started));
        }
    }

    /**
     * After a first load straight into the target: the first rows in primary key order go to the change log as inserts,
     * read through the primary key, so a million-row first load logs its limit without sorting everything.
     */
    long logFirstRowsAsInserted(Connection connection, long runId) throws SQLException {
        if (target.changeLogLimit() == 0) {
            return 0;
        }
        List<TargetColumn> keys = target.keyColumns();
        List<TargetColumn> values = target.valueColumns();
        if (keys.isEmpty()) {
            // A replace table without a key: its first rows in the order they were copied, numbered.
            String select = "select seq, 'INSERT' as operation, jsonb_build_object('row', seq) as key, null::jsonb"
                    + " as old_values, " + ChangeLogRows.json(values) + " as new_values from (select *,"
                    + " row_number() over () as seq from " + target.qualifiedName() + " limit ?) t";
            return ChangeLogRows.insert(connection, runId, spec.name(), target.changeLogLimit(), select);
        }
        String order = target.primaryKey().stream().map(SqlIdentifier::quote).collect(Collectors.joining(", "));
        String select = "select row_number() over (order by " + order + ") as seq, 'INSERT' as operation, "
                + ChangeLogRows.json(keys)
                + " as key, null::jsonb as old_values, "
                + ChangeLogRows.json(values) + " as new_values"
                + " from (select * from " + target.qualifiedName() + " order by " + order + " limit ?) t";
        return ChangeLogRows.insert(connection, runId, spec.name(), target.changeLogLimit(), select);
    }

    private String joinStatement(List<StagedSource> staged, String merged) {
        // Key columns unqualified: with USING, a FULL join's key is the coalesce of both sides.
        String line = provenance.needsLine()
                ? ", " + staged.get(0).table() + "." + TargetSpec.LINE + " as " + TargetSpec.LINE
                : "";
        return "create unlogged table " + merged + " as select " + columnList("") + line + " from "
                + StagingTables.joined(staged, spec.join());
    }

    /**
     * The rows of the publication that are new or differ from the table's current row of their key (a soft-deleted
     * row differs: its key comes back, {@link #REVIVED}), with the old values as JSON for the change log.
     */
    private String changesStatement(String merged) {
        String firstKey = SqlIdentifier.quote(target.keyColumns().get(0).name());
        String differs = differs();
        String revived = "false";
        if (softDeletes()) {
            revived = "t." + SqlIdentifier.quote(TargetSpec.DELETED_AT) + " is not null";
            differs += " or " + revived;
        }
        return "create temp table " + CHANGES + " on commit drop as select " + columnList("m.") + ", t." + firstKey
                + " is null as " + NEW + ", " + revived + " as " + REVIVED + ", " + oldValues("t", firstKey)
                + provenance.carryLine("m." + TargetSpec.LINE) + " from " + merged
                + " m left join " + target.qualifiedName() + " t on " + on("t", "m") + current("t") + " where t."
                + firstKey + " is null or " + differs;
    }

    /**
     * Finds the keys gone into {@link #GONE} with an anti-join, unless the table has no more current rows than the
     * publication matched, which a count tells (0.05 s against 0.6 s, 1M rows, measured).
     *
     * @param total the publication's rows
     */
    private long gone(Statement st, String merged, long total) throws SQLException {
        long matched;
        try (var rs = st.executeQuery("select " + total + " - count(*) filter (where " + NEW + ") - count(*) filter"
                + " (where " + REVIVED + ") from " + CHANGES)) {
            rs.next();
            // A soft-deleted key the publication brings back was matched, but was not among the current rows.
            matched = rs.getLong(1);
        }
        long current;
        try (var rs = st.executeQuery("select count(*) from " + target.qualifiedName() + " t where true" + live("t"))) {
            rs.next();
            current = rs.getLong(1);
        }
        String keyNames = target.keyColumns().stream()
                .map(c -> "t." + SqlIdentifier.quote(c.name()))
                .collect(Collectors.joining(", "));
        String statement = "create temp table " + GONE + " on commit drop as select " + keyNames + ", "
                + ChangeLogRows.json(
                        target.valueColumns(),
                        i -> "t."
                                + SqlIdentifier.quote(
                                        target.valueColumns().get(i).name()))
                + " as " + OLD + " from "
                + target.qualifiedName() + " t where not exists (select 1 from " + merged + " m where "
                + on("t", "m") + ")" + live("t");
        if (current == matched) {
            st.execute(statement + " and false");
            return 0;
        }
        return st.executeUpdate(statement);
    }

    /** The rows still in the table: not soft-deleted, or in history the current versions. */
    private String live(String alias) {
        return softDeletes()
                ? " and " + alias + "." + SqlIdentifier.quote(TargetSpec.DELETED_AT) + " is null"
                : current(alias);
    }

    /** In history, only the current version of a key is compared and closed. */
    private String current(String alias) {
        return target.mode() == LoadMode.HISTORY
                ? " and " + alias + "." + SqlIdentifier.quote(TargetSpec.VALID_TO) + " is null"
                : "";
    }

    private boolean softDeletes() {
        return target.mode() == LoadMode.MIRROR && target.deletes() == TargetSpec.Deletes.SOFT;
    }

    /**
     * The modes that remove what a publication lacks: the publication's rows that are new or differ from the
     * table's current row of their key (a soft-deleted row differs: its key comes back), and the table's current
     * rows whose key the publication lacks ({@link #GONE_FLAG}, with their key in {@code _sluice_key_N}), with the old
     * values as JSON.
     */
    private String differenceStatement(String merged) {
        List<TargetColumn> keys = target.keyColumns();
        String firstKey = SqlIdentifier.quote(keys.get(0).name());
        String tableKeys = IntStream.range(0, keys.size())
                .mapToObj(i -> ", t." + SqlIdentifier.quote(keys.get(i).name()) + " as " + KEY_PREFIX + i)
                .collect(Collectors.joining());
        String table = target.mode() == LoadMode.HISTORY
                ? "(select * from " + target.qualifiedName() + " where " + SqlIdentifier.quote(TargetSpec.VALID_TO)
                        + " is null)"
                : target.qualifiedName();
        boolean soft = softDeletes();
        String deletedAt = "t." + SqlIdentifier.quote(TargetSpec.DELETED_AT);
        String differs = soft ? differs() + " or " + deletedAt + " is not null" : differs();
        // A soft-deleted row whose key is still absent is no change.
        String gone = "m." + firstKey + " is null" + (soft ? " and " + deletedAt + " is null" : "");
        return "create temp table " + DIFFERENCE + " on commit drop as select " + columnList("m.")
                + provenance.carryLine("m." + TargetSpec.LINE) + ", t." + firstKey
                + " is null as " + NEW + ", m." + firstKey + " is null as " + GONE_FLAG + tableKeys + ", "
                + oldValues("t", firstKey) + " from "
                + merged + " m full join " + table + " t on " + on("t", "m") + " where t." + firstKey + " is null or ("
                + gone + ") or (m." + firstKey + " is not null and t." + firstKey + " is not null and (" + differs
                + "))";
    }

    /** The keys gone, under the table's column names, with their last values (for the change log). */
    private String goneStatement() {
        List<TargetColumn> keys = target.keyColumns();
        String keyNames = IntStream.range(0, keys.size())
                .mapToObj(i -> KEY_PREFIX + i + " as "
                        + SqlIdentifier.quote(keys.get(i).name()))
                .collect(Collectors.joining(", "));
        return "create temp table " + GONE + " on commit drop as select " + keyNames + ", " + OLD + " from "
                + DIFFERENCE + " where " + GONE_FLAG;
    }

    /** Whether the values of {@code t} (the table) and {@code m} (the publication) differ, NULL-safe. */
    private String differs() {
        List<TargetColumn> values = target.valueColumns();
        return values.isEmpty()
                ? "false"
                : "row(" + columnList("t.", values) + ") is distinct from row(" + columnList("m.", values) + ")";
    }

    /**
     * The table's values as one JSON object for the change log, NULL where {@code alias} has no row: one column
     * however wide the table, where a column per value would double it past PostgreSQL's 1,600.
     */
    private String oldValues(String alias, String firstKey) {
        return "case when " + alias + "." + firstKey + " is null then null else "
                + ChangeLogRows.json(
                        target.valueColumns(),
                        i -> alias + "."
                                + SqlIdentifier.quote(
                                        target.valueColumns().get(i).name()))
                + " end as " + OLD;
    }

    private String on(String left, String right) {
        return target.keyColumns().stream()
                .map(c -> left + "." + SqlIdentifier.quote(c.name()) + " = " + right + "."
                        + SqlIdentifier.quote(c.name()))
                .collect(Collectors.joining(" and "));
    }

    private String keyText(String alias) {
        return target.keyColumns().stream()
                .map(c -> alias + "." + SqlIdentifier.quote(c.name()) + "::text")
                .collect(Collectors.joining(" || ', ' || "));
    }

    private String insertStatement(String alsoColumns) {
        return "insert into " + target.qualifiedName() + " (" + columnList("") + alsoColumns + provenance.columns()
                + ") select " + columnList("") + provenance.values(ProvenanceColumns.LINE) + " from " + CHANGES
                + " where " + NEW;
    }

    /** The run's changes, then the keys gone, in key order, up to the change log's limit. */
    private long logChanges(Connection connection, long runId) throws SQLException {
        if (target.changeLogLimit() == 0) {
            return 0;
        }
        List<TargetColumn> values = target.valueColumns();
        List<TargetColumn> keys = target.keyColumns();
        String keyColumns =
                keys.stream().map(c -> SqlIdentifier.quote(c.name())).collect(Collectors.joining(", "));
        String changes = "select case when " + NEW + " then 'INSERT' else 'UPDATE' end as operation, "
                + ChangeLogRows.json(keys) + " as key, " + OLD + " as old_values, "
                + ChangeLogRows.json(values) + " as new_values, "
                + keyColumns + " from " + CHANGES;
        if (target.mode().removesMissingKeys()) {
            changes += " union all select 'DELETE', "
                    + ChangeLogRows.json(keys) + ", " + OLD + ", null::jsonb, "
                    + keyColumns + " from " + GONE;
        }
        String select = "select row_number() over (order by " + keyColumns + ") as seq, operation, key, old_values,"
                + " new_values from (" + changes + ") c order by " + keyColumns + " limit ?";
        return ChangeLogRows.insert(connection, runId, spec.name(), target.changeLogLimit(), select);
    }

    private String columnList(String prefix) {
        return columnList(prefix, target.columns());
    }

    private static String columnList(String prefix, List<TargetColumn> columns) {
        return columns.stream().map(c -> prefix + SqlIdentifier.quote(c.name())).collect(Collectors.joining(", "));
    }
}
