package dev.sluice.web;

import io.javalin.http.Context;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Prometheus metrics in the text exposition format, computed from the run history at each scrape (a scrape is a
 * few small aggregate queries; nothing is kept in memory, so every replica reports the same numbers).
 */
final class MetricsApi {
    private final DataSource reader;

    MetricsApi(DataSource reader) {
        this.reader = reader;
    }

    void metrics(Context ctx) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = reader.getConnection(); Statement st = c.createStatement()) {
            family(out, "sluice_runs_total", "counter", "Runs recorded, by pipeline and outcome.");
            query(st, "select pipeline, status, count(*) from sluice.runs group by 1, 2 order by 1, 2", rs ->
                    sample(out, "sluice_runs_total", "pipeline", rs.getString(1), "status", rs.getString(2), rs.getLong(3)));
            family(out, "sluice_run_duration_seconds", "summary", "Duration of finished runs.");
            query(st, "select pipeline, count(*), coalesce(sum(extract(epoch from finished_at - started_at)), 0)"
                    + " from sluice.runs where finished_at is not null group by 1 order by 1", rs -> {
                        line(out, "sluice_run_duration_seconds_count", rs.getString(1), null, null, rs.getLong(2));
                        line(out, "sluice_run_duration_seconds_sum", rs.getString(1), null, null, rs.getDouble(3));
                    });
            family(out, "sluice_last_run_duration_seconds", "gauge", "Duration of the last finished run.");
            query(st, "select distinct on (pipeline) pipeline, extract(epoch from finished_at - started_at)"
                    + " from sluice.runs where finished_at is not null order by pipeline, id desc", rs ->
                    line(out, "sluice_last_run_duration_seconds", rs.getString(1), null, null, rs.getDouble(2)));
            family(out, "sluice_rows_total", "counter", "Rows written or confirmed by successful runs.");
            query(st, "select pipeline, sum(inserted), sum(updated), sum(unchanged) from sluice.runs"
                    + " where status = 'SUCCEEDED' group by 1 order by 1", rs -> {
                        line(out, "sluice_rows_total", rs.getString(1), "change", "inserted", rs.getLong(2));
                        line(out, "sluice_rows_total", rs.getString(1), "change", "updated", rs.getLong(3));
                        line(out, "sluice_rows_total", rs.getString(1), "change", "unchanged", rs.getLong(4));
                    });
            family(out, "sluice_last_success_timestamp_seconds", "gauge",
                    "When a run last left the target matching its sources (SUCCEEDED or UNCHANGED).");
            query(st, "select pipeline, extract(epoch from max(finished_at)) from sluice.runs"
                    + " where status in ('SUCCEEDED', 'UNCHANGED') group by 1 order by 1", rs ->
                    line(out, "sluice_last_success_timestamp_seconds", rs.getString(1), null, null, rs.getDouble(2)));
            family(out, "sluice_runs_in_progress", "gauge", "Runs recorded as RUNNING.");
            query(st, "select pipeline, count(*) from sluice.runs where status = 'RUNNING' group by 1 order by 1", rs ->
                    line(out, "sluice_runs_in_progress", rs.getString(1), null, null, rs.getLong(2)));
            family(out, "sluice_notification_backlog", "gauge", "Notifications not yet delivered, by channel.");
            query(st, "select r.pipeline, o.channel, count(*) from sluice.notification_outbox o join sluice.runs r"
                    + " on r.id = o.run_id where o.status = 'PENDING' group by 1, 2 order by 1, 2", rs ->
                    line(out, "sluice_notification_backlog", rs.getString(1), "channel", rs.getString(2), rs.getLong(3)));
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
        ctx.result(out.toString());
    }

    private interface RowHandler {
        void accept(ResultSet rs) throws SQLException;
    }

    private static void query(Statement st, String sql, RowHandler handler) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                handler.accept(rs);
            }
        }
    }

    private static void family(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String k1, String v1, String k2, String v2, long value) {
        out.append(name).append('{').append(k1).append("=\"").append(escape(v1)).append("\",").append(k2)
                .append("=\"").append(escape(v2)).append("\"} ").append(value).append('\n');
    }

    private static void line(StringBuilder out, String name, String pipeline, String key, String keyValue,
                             double value) {
        out.append(name).append("{pipeline=\"").append(escape(pipeline)).append('"');
        if (key != null) {
            out.append(',').append(key).append("=\"").append(escape(keyValue)).append('"');
        }
        out.append("} ");
        out.append(value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value)
                : String.format(Locale.ROOT, "%.3f", value));
        out.append('\n');
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
