package dev.sluice.web;

import dev.sluice.config.ColumnType;
import dev.sluice.config.DashboardSpec;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetColumn;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL behind a pipeline's charts: per date (summed over the rest of the key, so a county table charts as
 * national totals), each cumulative column, each daily column's difference from the previous date and its average
 * over the 7 calendar days ending that date, and each ratio. PostgreSQL's window functions do the work; the
 * {@code from}/{@code to} filter applies after them, so the first 7-day average of a zoomed range is still right.
 * Column names come from a validated pipeline; derived series get positional aliases to stay under 63 bytes.
 */
final class SeriesQuery {
    /** One series of the result: its name in the JSON, and its column label in the SQL result. */
    record Series(String name, String label) {}

    private final String sql;
    private final List<Series> series;

    private SeriesQuery(String sql, List<Series> series) {
        this.sql = sql;
        this.series = List.copyOf(series);
    }

    String sql() {
        return sql;
    }

    List<Series> series() {
        return series;
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
                        List.of()));
    }

    static SeriesQuery of(PipelineSpec spec) {
        TargetColumn date = spec.dateKey().orElseThrow();
        DashboardSpec view = viewOf(spec);
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
            differences.add(c + " - lag(" + c + ") over (order by d) as new_" + i);
            outer.add("new_" + i);
            outer.add("round(avg(new_" + i + ") over (order by d range between interval '6 days' preceding and current"
                    + " row), 2) as avg_" + i);
            series.add(new Series("new_" + view.daily().get(i), "new_" + i));
            series.add(new Series("new_" + view.daily().get(i) + "_7d", "avg_" + i));
        }
        for (int i = 0; i < view.ratios().size(); i++) {
            DashboardSpec.Ratio ratio = view.ratios().get(i);
            outer.add("round(" + SqlIdentifier.quote(ratio.numerator()) + "::numeric / nullif("
                    + SqlIdentifier.quote(ratio.denominator()) + ", 0), 6) as ratio_" + i);
            series.add(new Series(ratio.name(), "ratio_" + i));
        }
        String base = "select " + SqlIdentifier.quote(date.name()) + " as d" + prefixed(sums) + " from "
                + spec.target().qualifiedName() + " group by " + SqlIdentifier.quote(date.name());
        String withDifferences = "select *" + prefixed(differences) + " from base";
        String sql = "with base as (" + base + "), daily as (" + withDifferences + "), windowed as (select d::text as d"
                + prefixed(outer) + " from daily) select * from windowed where (?::date is null or d::date >= ?::date)"
                + " and (?::date is null or d::date <= ?::date) order by d";
        return new SeriesQuery(sql, series);
    }

    private static void add(List<String> columns, String column) {
        if (!columns.contains(column)) {
            columns.add(column);
        }
    }

    private static String prefixed(List<String> parts) {
        return parts.isEmpty() ? "" : ", " + String.join(", ", parts);
    }

    /** Whether a pipeline can be charted at all: it needs a date in its key. */
    static boolean chartable(PipelineSpec spec) {
        return spec.dateKey().isPresent()
                && spec.target().valueColumns().stream()
                        .anyMatch(c -> c.type() == ColumnType.INTEGER || c.type() == ColumnType.DECIMAL);
    }
}
