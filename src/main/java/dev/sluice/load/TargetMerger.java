package dev.sluice.load;

import dev.sluice.config.JoinSpec;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetColumn;
import dev.sluice.config.TargetSpec;
import dev.sluice.history.ChangeLog;
import dev.sluice.history.RowCounts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Joins the staged sources and writes the result into the target so that only new or changed rows are written.
 * The comparison is of typed values with NULL-safe {@code IS DISTINCT FROM}, computed once into a temporary table
 * of changes; the insert, the update, the counts and the change log all read from it. Unlike
 * {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE}, unchanged rows are never locked or rewritten, so an
 * unchanged re-run writes (almost) no WAL.
 */
final class TargetMerger {
    private static final String MERGED = "sluice.merged_";
    private static final String CHANGES = "sluice_changes";

    private final PipelineSpec spec;
    private final TargetSpec target;

    TargetMerger(PipelineSpec spec) {
        this.spec = spec;
        this.target = spec.target();
    }

    LoadOutcome merge(Connection connection, List<StagedSource> staged, long runId, List<String> warnings)
            throws SQLException {
        try (Statement st = connection.createStatement()) {
            String merged = staged.size() == 1 ? staged.get(0).table() : MERGED + runId;
            long total = staged.size() == 1 ? staged.get(0).rows() : st.executeUpdate(joinStatement(staged, merged));
            // No ANALYZE of the staging tables: without statistics the planner sizes them from their pages and
            // picks the same hash join; the ANALYZE cost 0.12 s per million rows (measured). The planner's default
            // costs keep the join serial; it finds few changed rows, so handing them over from workers is cheap.
            st.execute("set local parallel_setup_cost = 10");
            st.execute("set local work_mem = '64MB'");
            st.execute("set local parallel_tuple_cost = 0.001");
            st.executeUpdate(changesStatement(merged));
            long inserted = st.executeUpdate(insertStatement());
            long updated = target.valueColumns().isEmpty() ? 0 : st.executeUpdate(updateStatement());
            long logged = logChanges(connection, runId);
            if (staged.size() > 1) {
                st.execute("drop table " + merged);
            }
            return new LoadOutcome(new RowCounts(inserted, updated, total - inserted - updated), logged, warnings);
        }
    }

    /**
     * After a first load straight into the target: the first rows in key order go to the change log as inserts,
     * read through the primary key, so a million-row first load logs its limit without sorting everything.
     */
    long logFirstRowsAsInserted(Connection connection, long runId) throws SQLException {
        if (target.changeLogLimit() == 0) {
            return 0;
        }
        List<TargetColumn> keys = target.keyColumns();
        List<TargetColumn> values = target.valueColumns();
        String order = keys.stream().map(c -> SqlIdentifier.quote(c.name())).collect(Collectors.joining(", "));
        String select = "select row_number() over (order by " + order + ") as seq, 'INSERT' as operation, "
                + jsonObject(keys, i -> SqlIdentifier.quote(keys.get(i).name()))
                + " as key, null::jsonb as old_values, "
                + jsonObject(values, i -> SqlIdentifier.quote(values.get(i).name())) + " as new_values"
                + " from (select * from " + target.qualifiedName() + " order by " + order + " limit ?) t";
        return logChanges(connection, runId, select);
    }

    private long logChanges(Connection connection, long runId, String select) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(ChangeLog.insertFrom(select))) {
            st.setLong(1, runId);
            st.setString(2, spec.name());
            st.setInt(3, target.changeLogLimit());
            return st.executeUpdate();
        }
    }

    private String joinStatement(List<StagedSource> staged, String merged) {
        JoinSpec join = spec.join().orElseThrow();
        String using = join.on().stream().map(SqlIdentifier::quote).collect(Collectors.joining(", "));
        String joinWord = join.type().name().toLowerCase(Locale.ROOT) + " join ";
        StringBuilder from = new StringBuilder(staged.get(0).table());
        for (int i = 1; i < staged.size(); i++) {
            from.append(' ')
                    .append(joinWord)
                    .append(staged.get(i).table())
                    .append(" using (")
                    .append(using)
                    .append(')');
        }
        // Key columns unqualified: with USING, a FULL join's key is the coalesce of both sides.
        return "create unlogged table " + merged + " as select " + columnList("") + " from " + from;
    }

    private String changesStatement(String merged) {
        List<TargetColumn> values = target.valueColumns();
        String oldValues = IntStream.range(0, values.size())
                .mapToObj(i -> ", t." + SqlIdentifier.quote(values.get(i).name()) + " as _old_" + i)
                .collect(Collectors.joining());
        String firstKey = SqlIdentifier.quote(target.keyColumns().get(0).name());
        String on = target.keyColumns().stream()
                .map(c -> "t." + SqlIdentifier.quote(c.name()) + " = m." + SqlIdentifier.quote(c.name()))
                .collect(Collectors.joining(" and "));
        String differs = values.isEmpty()
                ? ""
                : " or row(" + columnList("t.", values) + ") is distinct from row(" + columnList("m.", values) + ")";
        return "create temp table " + CHANGES + " on commit drop as select " + columnList("m.") + ", t." + firstKey
                + " is null as _new" + oldValues + " from " + merged + " m left join " + target.qualifiedName()
                + " t on " + on + " where t." + firstKey + " is null" + differs;
    }

    private String insertStatement() {
        return "insert into " + target.qualifiedName() + " (" + columnList("") + ") select " + columnList("") + " from "
                + CHANGES + " where _new";
    }

    private String updateStatement() {
        String set = target.valueColumns().stream()
                .map(c -> SqlIdentifier.quote(c.name()) + " = c." + SqlIdentifier.quote(c.name()))
                .collect(Collectors.joining(", "));
        String on = target.keyColumns().stream()
                .map(c -> "t." + SqlIdentifier.quote(c.name()) + " = c." + SqlIdentifier.quote(c.name()))
                .collect(Collectors.joining(" and "));
        return "update " + target.qualifiedName() + " t set " + set + " from " + CHANGES + " c where not c._new and "
                + on;
    }

    private long logChanges(Connection connection, long runId) throws SQLException {
        if (target.changeLogLimit() == 0) {
            return 0;
        }
        List<TargetColumn> values = target.valueColumns();
        List<TargetColumn> keys = target.keyColumns();
        String order = keys.stream().map(c -> SqlIdentifier.quote(c.name())).collect(Collectors.joining(", "));
        String select = "select row_number() over (order by " + order + ") as seq,"
                + " case when _new then 'INSERT' else 'UPDATE' end as operation, "
                + jsonObject(keys, i -> SqlIdentifier.quote(keys.get(i).name())) + " as key,"
                + " case when _new then null else " + jsonObject(values, i -> "_old_" + i) + " end as old_values, "
                + jsonObject(values, i -> SqlIdentifier.quote(values.get(i).name())) + " as new_values"
                + " from " + CHANGES + " order by " + order + " limit ?";
        return logChanges(connection, runId, select);
    }

    /** jsonb_build_object('name', expression, ...) over columns, in order. */
    private static String jsonObject(List<TargetColumn> columns, IntFunction<String> expression) {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            // Column names passed SqlIdentifier validation: safe inside a string literal.
            pairs.add("'" + columns.get(i).name() + "', " + expression.apply(i));
        }
        return "jsonb_build_object(" + String.join(", ", pairs) + ")";
    }

    private String columnList(String prefix) {
        return columnList(prefix, target.columns());
    }

    private static String columnList(String prefix, List<TargetColumn> columns) {
        return columns.stream().map(c -> prefix + SqlIdentifier.quote(c.name())).collect(Collectors.joining(", "));
    }
}
