package dev.sluice.web;

import dev.sluice.config.ColumnType;
import dev.sluice.config.DashboardSpec;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL behind a pipeline's charts, for one series: per time of the time key, each cumulative column, each daily
 * column's difference from the previous time and its average over the 7 calendar days ending then, and each ratio.
 * A table keyed by more than a time has one series per value of the rest of its key (a country): the request names
 * it ({@code ?country=Japan}), and values are never added across series unless the pipeline's {@code dashboard:}
 * declares {@code aggregate: sum} (county case counts), in which case what is not named is summed. PostgreSQL's
 * window functions do the work; the {@code from}/{@code to} filter applies after them, so the first 7-day average of
 * a zoomed range is still right. Column names come from a validated pipeline; derived series get positional aliases
 * to stay under 63 bytes.
 */
final class SeriesQuery {
    /** One series of the result: its name in the JSON, and its column label in the SQL result. */
    record Series(String name, String label) {}

    private final String sql;
    private final List<Series> series;
    private final RowSelection selection;

    private SeriesQuery(String sql, List<Series> series, RowSelection selection) {
        this.sql = sql;
        this.series = List.copyOf(series);
        this.selection = selection;
    }

    String sql() {
        return sql;
    }

    List<Series> series() {
        return series;
    }

    /** Binds the selection's as-of time, key values, then its time range. */
    void bind(java.sql.PreparedStatement st) throws java.sql.SQLException {
        selection.bindTime(st, selection.bindKeys(st, selection.bindRelation(st, 1)));
    }

    /** The view to chart: the pipeline's own, or every numeric column when it declares none. */
    static DashboardSpec viewOf(PipelineSpec spec) {
        return spec.dashboard()
                .orElseGet(() -> new DashboardSpec(
                        spec.name(),
                        java.util.Optional.empty(),
                        spec.target().valueColumns().stream()
                                .filter(c -> c.type().isNumeric())
                                .map(TargetColumn::name)
                                .toList(),
                        List.of(),
                        List.of(),
                        List.of(),
                        DashboardSpec.Aggregate.NONE,
                        java.util.Map.of()));
    }

    /** Whether the series of the rest of the key are charted one by one (the request must name one). */
    static boolean perSeries(PipelineSpec spec) {
        return !spec.seriesKeys().isEmpty() && viewOf(spec).aggregate() == DashboardSpec.Aggregate.NONE;
    }

    /**
     * @throws BadRequestException when the pipeline charts one series at a time and the request does not name one
     */
    static SeriesQuery of(PipelineSpec spec, RowSelection selection) {
        TargetColumn time = spec.timeKey().orElseThrow();
        DashboardSpec view = viewOf(spec);
        List<TargetColumn> unnamed =
                spec.seriesKeys().stream().filter(c -> !selection.pins(c)).toList();
        if (view.aggregate() == DashboardSpec.Aggregate.NONE && !unnamed.isEmpty()) {
            throw new BadRequestException(
                    400,
                    "name one series: "
                            + unnamed.stream().map(c -> c.name() + "=...").collect(Collectors.joining("&"))
                            + " (the entities endpoint lists them); the pipeline's values are not added across"
                            + " series unless its dashboard declares aggregate: sum");
        }
        List<String> columns = new ArrayList<>();
        view.cumulative().forEach(c -> add(columns, c));
        view.daily().forEach(c -> add(columns, c));
        view.ratios().forEach(r -> {
            add(columns, r.numerator());
            add(columns, r.denominator());
        });
        List<String> sums = columns.stream()
                .map(c -> "sum(" + SqlIdentifier.quote(c) + ") as " + SqlIdentifier.quote(c))
                .toList();
        List<Series> series = new ArrayList<>();
        List<String> outer = new ArrayList<>();
        List<String> differences = new ArrayList<>();
        for (String c : view.cumulative()) {
            series.add(new Series(c, c));
            outer.add(SqlIdentifier.quote(c));
        }
        for (int i = 0; i < view.daily().size(); i++) {
            String c = SqlIdentifier.quote(view.daily().get(i));
            differences.add(c + " - lag(" + c + ") over (order by t) as new_" + i);
            outer.add("new_" + i);
            outer.add("round((avg(new_" + i + ") over (order by t range between interval '6 days' preceding and"
                    + " current row))::numeric, 2) as avg_" + i);
            series.add(new Series("new_" + view.daily().get(i), "new_" + i));
            series.add(new Series("new_" + view.daily().get(i) + "_7d", "avg_" + i));
        }
        for (int i = 0; i < view.ratios().size(); i++) {
            DashboardSpec.Ratio ratio = view.ratios().get(i);
            outer.add("round((" + SqlIdentifier.quote(ratio.numerator()) + "::numeric / nullif("
                    + SqlIdentifier.quote(ratio.denominator()) + ", 0))::numeric, 6) as ratio_" + i);
            series.add(new Series(ratio.name(), "ratio_" + i));
        }
        String base = "select " + SqlIdentifier.quote(time.name()) + " as t" + prefixed(sums) + " from "
                + selection.liveRelation() + selection.keyWhere() + " group by "
                + SqlIdentifier.quote(time.name());
        String withDifferences = "select *" + prefixed(differences) + " from base";
        String labels =
                series.stream().map(Series::label).map(SeriesQuery::label).collect(Collectors.joining(", "));
        String sql = "with base as (" + base + "), daily as (" + withDifferences + "), windowed as (select t"
                + prefixed(outer) + " from daily) select " + text("t", time.type()) + " as d"
                + prefixed(List.of(labels))
                + " from windowed where " + RowSelection.timeCondition("t") + " order by t";
        return new SeriesQuery(sql, series, selection);
    }

    /** A result label as SQL: a column's own name quoted, a derived one as it is. */
    private static String label(String label) {
        return label.matches("(new|avg|ratio)_\\d+") ? label : SqlIdentifier.quote(label);
    }

    /**
     * A time as the API writes it: a date as {@code 2021-03-01}, a timestamp as {@code 2021-03-01T12:30:00}, a
     * timestamptz as an instant in UTC, {@code 2021-03-01T11:30:00Z}, which the page shows in the reader's zone.
     */
    static String text(String expression, ColumnType type) {
        return switch (type) {
            case TIMESTAMP -> "to_char(" + expression + ", 'YYYY-MM-DD\"T\"HH24:MI:SS')";
            case TIMESTAMPTZ -> "to_char(" + expression + " at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
            default -> expression + "::text";
        };
    }

    private static void add(List<String> columns, String column) {
        if (!columns.contains(column)) {
            columns.add(column);
        }
    }

    private static String prefixed(List<String> parts) {
        return parts.isEmpty() || parts.stream().allMatch(String::isEmpty) ? "" : ", " + String.join(", ", parts);
    }

    /** Whether a pipeline can be charted at all: a time in its key and a number to chart. */
    static boolean chartable(PipelineSpec spec) {
        return spec.timeKey().isPresent()
                && spec.target().valueColumns().stream().anyMatch(c -> c.type().isNumeric());
    }
}
