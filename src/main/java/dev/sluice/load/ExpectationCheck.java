package dev.sluice.load;

import dev.sluice.config.ColumnType;
import dev.sluice.config.Expectation;
import dev.sluice.config.LoadMode;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetColumn;
import dev.sluice.config.TargetSpec;
import dev.sluice.history.ExpectationResult;
import dev.sluice.history.RowCounts;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Checks a pipeline's declared expectations on the table as readers will see it once the run commits (its current
 * rows: a history table's open versions, a soft-deleting mirror's rows not deleted), inside the run's transaction,
 * after the merge. Each check is one set-based query that counts what fails and quotes at most {@link #SAMPLE}.
 */
final class ExpectationCheck {
    static final int SAMPLE = 3;

    private final Connection connection;
    private final TargetSpec target;
    private final long runId;
    private final RowCounts rows;

    ExpectationCheck(Connection connection, TargetSpec target, long runId, RowCounts rows) {
        this.connection = connection;
        this.target = target;
        this.runId = runId;
        this.rows = rows;
    }

    List<ExpectationResult> check(List<Expectation> expectations) throws SQLException {
        List<ExpectationResult> results = new ArrayList<>();
        for (Expectation expectation : expectations) {
            results.add(check(expectation));
        }
        return results;
    }

    /** A failing count and its sample. */
    private record Found(long failing, List<String> sample) {}

    private ExpectationResult check(Expectation e) throws SQLException {
        String table = "(select * from " + target.qualifiedName() + " where " + current() + ")";
        if (e.check() instanceof Expectation.AcceptedValues c) {
            Found found = values(
                    "select count(*), (array_agg(distinct " + text(c.column()) + "))[1:" + SAMPLE + "] from "
                            + table + " t where " + col(c.column()) + " is not null and not (" + text(c.column())
                            + " = any (?))",
                    c.values());
            return result(e, found, found.failing() + " rows of " + c.column() + " outside " + c.values());
        }
        if (e.check() instanceof Expectation.Pattern c) {
            Found found = values(
                    "select count(*), (array_agg(distinct " + text(c.column()) + "))[1:" + SAMPLE + "] from "
                            + table + " t where " + col(c.column()) + " is not null and not (" + text(c.column())
                            + " ~ ?)",
                    c.regex());
            return result(e, found, found.failing() + " rows of " + c.column() + " not matching " + c.regex());
        }
        if (e.check() instanceof Expectation.Unique c) {
            Found found = values(
                    "select count(*), (array_agg(v || ' (' || n || ' rows)' order by n desc))[1:" + SAMPLE
                            + "] from (select " + text(c.column()) + " as v, count(*) as n from " + table + " t where "
                            + col(c.column()) + " is not null group by 1 having count(*) > 1) d",
                    null);
            return result(e, found, found.failing() + " values of " + c.column() + " appear more than once");
        }
        if (e.check() instanceof Expectation.MaxNullShare c) {
            long nulls;
            long total;
            try (PreparedStatement st = connection.prepareStatement("select count(*) filter (where " + col(c.column())
                            + " is null), count(*) from " + table + " t");
                    ResultSet rs = st.executeQuery()) {
                rs.next();
                nulls = rs.getLong(1);
                total = rs.getLong(2);
            }
            boolean over = nulls > c.limit().of(total);
            return new ExpectationResult(
                    e.name(),
                    e.check().kind(),
                    e.severity().name(),
                    !over,
                    over ? nulls : 0,
                    List.of(),
                    String.format(
                            Locale.ROOT,
                            "%,d of %,d rows have no %s; max_null_share allows %s",
                            nulls,
                            total,
                            c.column(),
                            c.limit()));
        }
        if (e.check() instanceof Expectation.NoGaps c) {
            TargetColumn time = target.timeKey().orElseThrow();
            String t = col(time.name());
            List<TargetColumn> series =
                    target.keyColumns().stream().filter(k -> !k.equals(time)).toList();
            String partition = series.isEmpty()
                    ? ""
                    : "partition by " + series.stream().map(k -> col(k.name())).collect(Collectors.joining(", "));
            String seriesText = series.isEmpty()
                    ? "''"
                    : series.stream().map(k -> text(k.name())).collect(Collectors.joining(" || ', ' || ")) + " || ': '";
            String next = time.type() == ColumnType.DATE
                    ? "(previous + interval '1 " + unit(c.period()) + "')::date"
                    : "previous + interval '1 " + unit(c.period()) + "'";
            Found found = values(
                    "select count(*), (array_agg(label order by label))[1:" + SAMPLE + "] from (select " + t
                            + " as at, " + seriesText + " || 'after ' || lag(" + t + ") over w || ' next ' || "
                            + t + " as label, lag(" + t + ") over w as previous from " + table + " t window w as ("
                            + partition + " order by " + t + ")) g where previous is not null and at > " + next,
                    null);
            return result(
                    e, found, found.failing() + " gaps of more than one " + unit(c.period()) + " in " + time.name());
        }
        if (e.check() instanceof Expectation.MaxRevised c) {
            long existing = rows.updated() + rows.deleted() + rows.unchanged();
            boolean over = rows.updated() > c.limit().of(existing);
            Found found = over
                    ? values(
                            "select count(*), (array_agg(key::text order by seq))[1:" + SAMPLE
                                    + "] from sluice.change_log where run_id = " + runId
                                    + " and operation = 'UPDATE'",
                            null)
                    : new Found(0, List.of());
            return new ExpectationResult(
                    e.name(),
                    e.check().kind(),
                    e.severity().name(),
                    !over,
                    over ? rows.updated() : 0,
                    found.sample(),
                    String.format(
                            Locale.ROOT,
                            "the run rewrites %,d of %,d existing rows; max_revised allows %s",
                            rows.updated(),
                            existing,
                            c.limit()));
        }
        if (e.check() instanceof Expectation.RowsPerPeriod c) {
            String t = col(target.timeKey().orElseThrow().name());
            String newest =
                    "m." + SqlIdentifier.quote(target.timeKey().orElseThrow().name());
            String at = null;
            long count = 0;
            try (PreparedStatement st = connection.prepareStatement("select " + t + "::text, count(*) from " + table
                            + " t where " + t + " = (select max(" + newest + ") from " + table + " m) group by 1");
                    ResultSet rs = st.executeQuery()) {
                if (rs.next()) {
                    at = rs.getString(1);
                    count = rs.getLong(2);
                }
            }
            boolean low = c.min().isPresent() && count < c.min().getAsLong();
            boolean high = c.max().isPresent() && count > c.max().getAsLong();
            boolean passed = at == null || !(low || high);
            return new ExpectationResult(
                    e.name(),
                    e.check().kind(),
                    e.severity().name(),
                    passed,
                    passed ? 0 : 1,
                    passed ? List.of() : List.of(at + ": " + count + " rows"),
                    at == null
                            ? "the table has no rows"
                            : String.format(
                                    Locale.ROOT,
                                    "the newest period %s has %,d rows; expected %s",
                                    at,
                                    count,
                                    bounds(c)));
        }
        if (e.check() instanceof Expectation.Sql c) {
            String query = c.query()
                    .replace("{table}", table)
                    .replace(
                            "{changes}",
                            "(select operation, key, old_values, new_values from sluice.change_log where run_id = "
                                    + runId + ")");
            // A subquery: a statement that writes (or a second statement) cannot run here.
            Found found =
                    values("select count(*), (array_agg(q::text))[1:" + SAMPLE + "] from (" + query + ") q", null);
            return result(e, found, found.failing() + " rows returned by the query");
        }
        throw new IllegalStateException(
                "an expectation of no known kind: " + e.check().kind());
    }

    private static String bounds(Expectation.RowsPerPeriod c) {
        if (c.min().isPresent() && c.max().isPresent()) {
            return "from " + c.min().getAsLong() + " to " + c.max().getAsLong();
        }
        return c.min().isPresent()
                ? "at least " + c.min().getAsLong()
                : "at most " + c.max().getAsLong();
    }

    private static ExpectationResult result(Expectation e, Found found, String message) {
        boolean passed = found.failing() == 0;
        return new ExpectationResult(
                e.name(),
                e.check().kind(),
                e.severity().name(),
                passed,
                found.failing(),
                found.sample(),
                passed ? "passed" : message + (found.sample().isEmpty() ? "" : ", such as " + quoted(found.sample())));
    }

    private static String quoted(List<String> sample) {
        return sample.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", "));
    }

    /** Runs a count-and-sample query, with at most one parameter: a text, or a list of texts. */
    private Found values(String sql, Object parameter) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            if (parameter instanceof List<?> list) {
                st.setArray(1, connection.createArrayOf("text", list.toArray()));
            } else if (parameter instanceof String text) {
                st.setString(1, text);
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                long failing = rs.getLong(1);
                Array array = rs.getArray(2);
                List<String> sample = new ArrayList<>();
                if (array != null) {
                    for (Object value : (Object[]) array.getArray()) {
                        sample.add(String.valueOf(value));
                    }
                }
                return new Found(failing, sample);
            }
        }
    }

    private String current() {
        if (target.mode() == LoadMode.HISTORY) {
            return SqlIdentifier.quote(TargetSpec.VALID_TO) + " is null";
        }
        if (target.mode() == LoadMode.MIRROR && target.deletes() == TargetSpec.Deletes.SOFT) {
            return SqlIdentifier.quote(TargetSpec.DELETED_AT) + " is null";
        }
        return "true";
    }

    private static String col(String name) {
        return "t." + SqlIdentifier.quote(name);
    }

    private static String text(String name) {
        return col(name) + "::text";
    }

    private static String unit(Expectation.Period period) {
        return period.name().toLowerCase(Locale.ROOT);
    }
}
