package dev.sluice.load;

import dev.sluice.config.ColumnSpec;
import dev.sluice.config.ColumnType;
import dev.sluice.config.DecreasePolicy;
import dev.sluice.config.SqlIdentifier;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Applies the {@code on_decrease} cleaning rule to a staged source: a value lower than the highest earlier value
 * of its series (ordered by the date key, partitioned by the rest of the key) is kept with a warning, stored as
 * NULL with a warning, or fails the run. This needs the whole series in order, so PostgreSQL does it with a
 * window function rather than Java holding the series in memory.
 */
final class DecreaseRules {
    private static final String FALLS = "sluice_falls";

    private DecreaseRules() {
    }

    static List<String> apply(Connection connection, StagedSource staged) throws SQLException {
        List<String> warnings = new ArrayList<>();
        for (ColumnSpec column : staged.source().columns()) {
            if (column.onDecrease() != DecreasePolicy.ALLOW) {
                applyTo(connection, staged, column).ifPresent(warnings::add);
            }
        }
        return warnings;
    }

    private static java.util.Optional<String> applyTo(Connection connection, StagedSource staged, ColumnSpec column)
            throws SQLException {
        String date = staged.source().key().stream()
                .filter(k -> staged.source().column(k).orElseThrow().type() == ColumnType.DATE)
                .findFirst().map(SqlIdentifier::quote).orElseThrow();
        List<String> partition = staged.source().key().stream().map(SqlIdentifier::quote)
                .filter(k -> !k.equals(date)).toList();
        String value = SqlIdentifier.quote(column.name());
        String partitionBy = partition.isEmpty() ? "" : "partition by " + String.join(", ", partition) + " ";
        String partitionText = partition.isEmpty() ? "''"
                : partition.stream().map(p -> p + "::text").collect(Collectors.joining(" || ', ' || "));
        try (Statement st = connection.createStatement()) {
            st.execute("create temp table " + FALLS + " on commit drop as select _line, " + date + " as d, "
                    + partitionText + " as series, " + value + " as value, prior_max from (select _line, " + date
                    + ", " + String.join("", partition.stream().map(p -> p + ", ").toList()) + value + ", max(" + value
                    + ") over (" + partitionBy + "order by " + date + " rows between unbounded preceding and 1 preceding)"
                    + " as prior_max from " + staged.table() + ") o where " + value + " < prior_max");
            try (ResultSet rs = st.executeQuery("select _line, d::text, series, value, prior_max, count(*) over ()"
                    + " from " + FALLS + " order by d, series, _line limit 1")) {
                if (!rs.next()) {
                    st.execute("drop table " + FALLS);
                    return java.util.Optional.empty();
                }
                String warning = act(st, staged, column, value, rs);
                st.execute("drop table " + FALLS);
                return java.util.Optional.of(warning);
            }
        }
    }

    private static String act(Statement st, StagedSource staged, ColumnSpec column, String value, ResultSet first)
            throws SQLException {
        long line = first.getLong(1);
        String day = first.getString(2);
        String series = first.getString(3);
        BigDecimal fell = first.getBigDecimal(4);
        BigDecimal from = first.getBigDecimal(5);
        long count = first.getLong(6);
        String where = series.isEmpty() ? "" : " for " + String.join(", ", staged.source().key().stream()
                .filter(k -> staged.source().column(k).orElseThrow().type() != ColumnType.DATE).toList()) + " " + series;
        String what = staged.source().name() + ": " + column.name() + " fell from " + format(from) + " to "
                + format(fell) + " on " + day + where;
        String others = count > 1 ? " (" + (count - 1) + " more values lower than an earlier one" : "";
        switch (column.onDecrease()) {
            case FAIL -> throw new RuleViolationException(staged.source().name(), line, column.header(),
                    fell.toPlainString(), what + "; on_decrease is fail" + (others.isEmpty() ? "" : others + ")"));
            case SET_NULL -> {
                st.executeUpdate("update " + staged.table() + " set " + value + " = null where _line in (select _line"
                        + " from " + FALLS + ")");
                return what + "; stored as NULL" + (others.isEmpty() ? "" : others + " also stored as NULL)");
            }
            default -> {
                return what + "; kept as reported" + (others.isEmpty() ? "" : others + ", also kept)");
            }
        }
    }

    private static String format(BigDecimal number) {
        if (number.scale() <= 0) {
            return String.format(Locale.ROOT, "%,d", number.toBigInteger());
        }
        return number.toPlainString();
    }
}
