package dev.sluice.load;

import dev.sluice.config.ColumnSpec;
import dev.sluice.config.ColumnType;
import dev.sluice.config.DecreasePolicy;
import dev.sluice.config.LoadMode;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetSpec;
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
 * NULL with a warning, or fails the run. This needs the whole series in order, so PostgreSQL does it with window
 * functions rather than Java holding the series in memory.
 *
 * <p>Falls are reported by streak: JHU's recovered drops to 0 on 2020-12-14 and stays there, which is one event
 * ("fell from 6,298,082 to 0 on 2020-12-14, and on the 48 following dates"), not 49 warnings; and a later,
 * separate correction is its own event, not hidden behind the first.
 *
 * <p>Only what is new is said: a streak whose first fall the table already holds as the rule left it (the value
 * kept, or NULL) was said by the run that loaded it, and is not said again on every run after (nor when the feed
 * adds a day to it).
 */
final class DecreaseRules {
    private static final String FALLS = "sluice_falls";
    private static final int EVENTS_SHOWN = 10;

    private DecreaseRules() {}

    static List<String> apply(Connection connection, StagedSource staged, TargetSpec target) throws SQLException {
        List<String> warnings = new ArrayList<>();
        for (ColumnSpec column : staged.source().columns()) {
            if (column.onDecrease() != DecreasePolicy.ALLOW) {
                warnings.addAll(applyTo(connection, staged, column, target));
            }
        }
        return warnings;
    }

    private record Fall(
            long line, String date, String series, BigDecimal value, BigDecimal priorMax, long streak, long events) {}

    private static List<String> applyTo(
            Connection connection, StagedSource staged, ColumnSpec column, TargetSpec target) throws SQLException {
        List<String> partition = staged.source().key().stream()
                .filter(k -> staged.source().column(k).orElseThrow().type() != ColumnType.DATE)
                .toList();
        String date = staged.source().key().stream()
                .filter(k -> !partition.contains(k))
                .findFirst()
                .map(SqlIdentifier::quote)
                .orElseThrow();
        String partitionBy = partition.isEmpty()
                ? ""
                : "partition by " + partition.stream().map(SqlIdentifier::quote).collect(Collectors.joining(", "))
                        + " ";
        String series = partition.isEmpty()
                ? "''"
                : partition.stream()
                        .map(p -> SqlIdentifier.quote(p) + "::text")
                        .collect(Collectors.joining(" || ', ' || "));
        String value = SqlIdentifier.quote(column.name());
        try (Statement st = connection.createStatement()) {
            // below: lower than every earlier value's maximum; continues: the previous date was below it too; known:
            // the table holds the fall as this rule leaves it, so an earlier run said it.
            String keys = staged.source().key().stream()
                    .map(k -> "f." + SqlIdentifier.quote(k) + " = t." + SqlIdentifier.quote(k))
                    .collect(Collectors.joining(" and "));
            String current = target.mode() == LoadMode.HISTORY
                    ? " and t." + SqlIdentifier.quote(TargetSpec.VALID_TO) + " is null"
                    : "";
            String known = switch (column.onDecrease()) {
                case WARN ->
                    "exists (select 1 from " + target.qualifiedName() + " t where " + keys + current + " and t." + value
                            + " = f.value)";
                case SET_NULL ->
                    "exists (select 1 from " + target.qualifiedName() + " t where " + keys + current + " and t." + value
                            + " is null)";
                default -> "false";
            };
            String keyColumns =
                    staged.source().key().stream().map(SqlIdentifier::quote).collect(Collectors.joining(", "));
            st.execute("create temp table " + FALLS + " on commit drop as select f.*, " + known + " as known from"
                    + " (select _line, " + keyColumns + ", d, series, value, prior_max, coalesce(lag(value <"
                    + " prior_max) over (partition by series order by d), false) as continues from (select _line, "
                    + keyColumns + ", " + date + " as d, " + series + " as series, " + value + " as value, max("
                    + value + ") over (" + partitionBy + "order by " + date + " rows between unbounded preceding"
                    + " and 1 preceding) as prior_max from " + staged.table() + ") o) f where value < prior_max");
            List<Fall> events = events(st);
            List<String> warnings = new ArrayList<>();
            if (!events.isEmpty()) {
                warnings.addAll(act(staged, column, partition, events));
            }
            if (column.onDecrease() == DecreasePolicy.SET_NULL) {
                // Every fall, known or new: the table keeps NULL where an earlier run stored it.
                st.executeUpdate("update " + staged.table() + " set " + value + " = null where _line in"
                        + " (select _line from " + FALLS + ")");
            }
            st.execute("drop table " + FALLS);
            return warnings;
        }
    }

    /**
     * The first falls of each streak not known before, in date order, with the streak's length and the number of such
     * streaks.
     */
    private static List<Fall> events(Statement st) throws SQLException {
        List<Fall> events = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("select _line, d::text, series, value, prior_max, streak,"
                + " count(*) over () from (select *, count(*) over (partition by series, streak_id) as streak,"
                + " row_number() over (partition by series, streak_id order by d) as nth from (select *,"
                + " sum(case when continues then 0 else 1 end) over (partition by series order by d) as streak_id"
                + " from " + FALLS + ") s) e where nth = 1 and not known order by d, series limit "
                + EVENTS_SHOWN)) {
            while (rs.next()) {
                events.add(new Fall(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getBigDecimal(4),
                        rs.getBigDecimal(5),
                        rs.getLong(6),
                        rs.getLong(7)));
            }
        }
        return events;
    }

    private static List<String> act(StagedSource staged, ColumnSpec column, List<String> partition, List<Fall> events) {
        String outcome = switch (column.onDecrease()) {
            case SET_NULL -> "stored as NULL";
            case WARN -> "kept as reported";
            default -> "on_decrease is fail";
        };
        List<String> warnings = new ArrayList<>();
        for (Fall fall : events) {
            String where = partition.isEmpty() ? "" : " for " + String.join(", ", partition) + " " + fall.series();
            String following = fall.streak() > 1
                    ? " (and the " + (fall.streak() - 1) + " following values," + " still below "
                            + format(fall.priorMax()) + ")"
                    : "";
            warnings.add(staged.source().name() + ": " + column.name() + " fell from " + format(fall.priorMax())
                    + " to " + format(fall.value()) + " on " + fall.date() + where + "; " + outcome + following);
        }
        long more = events.get(0).events() - events.size();
        if (more > 0) {
            warnings.add(staged.source().name() + ": " + column.name() + " fell below an earlier value " + more
                    + " more times; " + outcome);
        }
        if (column.onDecrease() == DecreasePolicy.FAIL) {
            Fall first = events.get(0);
            throw new RuleViolationException(
                    staged.source().name(),
                    staged.positions().place(first.line()),
                    column.header(),
                    first.value().toPlainString(),
                    warnings.get(0));
        }
        return warnings;
    }

    private static String format(BigDecimal number) {
        if (number.scale() <= 0 || number.stripTrailingZeros().scale() <= 0) {
            return String.format(Locale.ROOT, "%,d", number.toBigInteger());
        }
        return number.toPlainString();
    }
}
