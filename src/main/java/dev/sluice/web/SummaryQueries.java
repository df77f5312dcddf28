package dev.sluice.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.history.RunRepository;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The freshness line and latest values of a pipeline: rows, the newest date, when data was last loaded (or
 * confirmed unchanged), and for each charted column its latest known value with that value's date (recovered stops
 * in December 2020 while cases go on: each says its own date).
 */
final class SummaryQueries {
    private SummaryQueries() {}

    static void fill(Connection c, PipelineSpec spec, RunRepository runs, ObjectNode json) throws SQLException {
        // Before the first successful load there is no table: an empty one says the same.
        String table = DataApi.targetExists(c, spec)
                ? RowSelection.currentRows(spec.target())
                : "(select "
                        + spec.target().columns().stream()
                                .map(col -> "null::" + col.type().sqlType() + " as " + SqlIdentifier.quote(col.name()))
                                .collect(java.util.stream.Collectors.joining(", "))
                        + " where false) as never_loaded";
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select count(*)"
                        + spec.timeKey()
                                .map(d ->
                                        ", " + SeriesQuery.text("max(" + SqlIdentifier.quote(d.name()) + ")", d.type()))
                                .orElse(", null")
                        + " from " + table)) {
            rs.next();
            json.put("rows", rs.getLong(1));
            json.put("dataUpTo", rs.getString(2));
        }
        json.put(
                "lastLoadedAt",
                runs.lastGoodLoad(c, spec.name())
                        .map(load -> load.finishedAt().toString())
                        .orElse(null));
        ObjectNode latest = json.putObject("latest");
        // The latest value of a table of several series is each series' own: the entities endpoint has them.
        if (spec.timeKey().isEmpty() || SeriesQuery.perSeries(spec)) {
            return;
        }
        String date = SqlIdentifier.quote(spec.timeKey().get().name());
        for (String column : SeriesQuery.viewOf(spec).cumulative()) {
            String c1 = SqlIdentifier.quote(column);
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("select "
                            + SeriesQuery.text(date, spec.timeKey().get().type()) + ", sum("
                            + c1 + ") from " + table + " group by " + date + " having sum(" + c1
                            + ") is not null order by "
                            + date + " desc limit 1")) {
                ObjectNode value = latest.putObject(column);
                if (rs.next()) {
                    value.put("date", rs.getString(1));
                    value.put("value", rs.getBigDecimal(2));
                } else {
                    value.putNull("date");
                    value.putNull("value");
                }
            }
        }
    }
}
