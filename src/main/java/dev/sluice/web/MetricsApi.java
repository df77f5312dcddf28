package dev.sluice.web;

import dev.sluice.BuildInfo;
import dev.sluice.RunStatus;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.ServedPipelines;
import dev.sluice.health.FeedHealth;
import dev.sluice.history.DeliveryStates;
import dev.sluice.history.FeedStatus;
import dev.sluice.history.PipelineStatistics;
import dev.sluice.history.RunRepository;
import io.javalin.http.Context;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Prometheus metrics in the text exposition format, computed from the run history at each scrape (a scrape is a
 * few small aggregate queries, which the history makes; nothing is kept in memory, so every replica reports the same
 * numbers).
 */
final class MetricsApi {
    /** Read once: the jar does not change under a running process. */
    private static final BuildInfo BUILD = BuildInfo.current();

    private final Supplier<ServedPipelines> pipelines;
    private final DataSource reader;
    private final RunRepository runs;

    MetricsApi(Supplier<ServedPipelines> pipelines, DataSource reader, RunRepository runs) {
        this.pipelines = pipelines;
        this.reader = reader;
        this.runs = runs;
    }

    void metrics(Context ctx) throws SQLException {
        List<PipelineStatistics> statistics;
        List<DeliveryStates.Backlog> backlog;
        java.util.Map<String, Long> waiting;
        List<PipelineSpec> specs = pipelines.get().pipelines();
        List<FeedStatus> freshness;
        List<FeedHealth.SourceChange> changes;
        List<RunRepository.ExpectationFailures> expectations;
        try (Connection c = reader.getConnection()) {
            statistics = runs.statistics(c);
            backlog = runs.notificationBacklog(c);
            waiting = runs.waitingRuns(c);
            freshness = FeedHealth.statuses(c, specs);
            expectations = runs.expectationFailures(c);
            changes = FeedHealth.lastChanges(
                    c, specs.stream().map(PipelineSpec::name).toList());
        }
        StringBuilder out = new StringBuilder();
        family(out, "sluice_runs_total", "counter", "Runs recorded, by pipeline and outcome.");
        statistics.forEach(p -> new TreeMap<>(p.runs())
                .forEach((status, count) ->
                        sample(out, "sluice_runs_total", "pipeline", p.pipeline(), "status", status.name(), count)));
        family(out, "sluice_build_info", "gauge", "1, labelled with this build's version and commit, and Java's.");
        out.append("sluice_build_info{version=\"")
                .append(escape(BUILD.version()))
                .append("\",commit=\"")
                .append(escape(BUILD.commit()))
                .append("\",java=\"")
                .append(escape(System.getProperty("java.version")))
                .append("\"} 1\n");
        family(
                out,
                "sluice_run_duration_seconds",
                "histogram",
                "Duration of finished runs (histogram_quantile over its buckets gives percentiles).");
        statistics.stream().filter(p -> p.finished() > 0).forEach(p -> {
            for (int i = 0; i < PipelineStatistics.DURATION_BUCKETS.size(); i++) {
                line(
                        out,
                        "sluice_run_duration_seconds_bucket",
                        p.pipeline(),
                        "le",
                        String.valueOf(PipelineStatistics.DURATION_BUCKETS.get(i)),
                        p.finishedWithin().get(i));
            }
            line(out, "sluice_run_duration_seconds_bucket", p.pipeline(), "le", "+Inf", p.finished());
            line(out, "sluice_run_duration_seconds_count", p.pipeline(), null, null, p.finished());
            line(out, "sluice_run_duration_seconds_sum", p.pipeline(), null, null, seconds(p.timeFinished()));
        });
        family(out, "sluice_last_run_duration_seconds", "gauge", "Duration of the last finished run.");
        statistics.forEach(p -> p.lastDuration()
                .ifPresent(d -> line(out, "sluice_last_run_duration_seconds", p.pipeline(), null, null, seconds(d))));
        family(out, "sluice_rows_total", "counter", "Rows written or confirmed by successful runs.");
        statistics.stream()
                .filter(p -> p.runs().containsKey(RunStatus.SUCCEEDED))
                .forEach(p -> {
                    line(
                            out,
                            "sluice_rows_total",
                            p.pipeline(),
                            "change",
                            "inserted",
                            p.rowsWritten().inserted());
                    line(
                            out,
                            "sluice_rows_total",
                            p.pipeline(),
                            "change",
                            "updated",
                            p.rowsWritten().updated());
                    line(
                            out,
                            "sluice_rows_total",
                            p.pipeline(),
                            "change",
                            "deleted",
                            p.rowsWritten().deleted());
                    line(
                            out,
                            "sluice_rows_total",
                            p.pipeline(),
                            "change",
                            "unchanged",
                            p.rowsWritten().unchanged());
                });
        family(
                out,
                "sluice_last_success_timestamp_seconds",
                "gauge",
                "When a run last left the target matching its sources (SUCCEEDED or UNCHANGED).");
        statistics.forEach(p -> p.lastSuccess()
                .ifPresent(at -> line(
                        out,
                        "sluice_last_success_timestamp_seconds",
                        p.pipeline(),
                        null,
                        null,
                        at.toEpochMilli() / 1000.0)));
        family(out, "sluice_runs_in_progress", "gauge", "Runs recorded as RUNNING.");
        statistics.stream()
                .filter(p -> p.inProgress() > 0)
                .forEach(p -> line(out, "sluice_runs_in_progress", p.pipeline(), null, null, p.inProgress()));
        family(
                out,
                "sluice_runs_waiting",
                "gauge",
                "Scheduled runs due and not started yet: every replica runs as many as SLUICE_MAX_CONCURRENT_RUNS.");
        waiting.forEach((pipeline, count) -> line(out, "sluice_runs_waiting", pipeline, null, null, count));
        family(out, "sluice_notification_backlog", "gauge", "Notifications not yet delivered, by channel.");
        backlog.forEach(
                b -> line(out, "sluice_notification_backlog", b.pipeline(), "channel", b.channel(), b.pending()));
        family(
                out,
                "sluice_source_last_changed_timestamp_seconds",
                "gauge",
                "When each source's content last changed (a new sha256), as Unix time.");
        changes.forEach(c -> line(
                out,
                "sluice_source_last_changed_timestamp_seconds",
                c.pipeline(),
                "source",
                c.source(),
                c.changedAt().getEpochSecond()));
        family(
                out,
                "sluice_source_data_latest_timestamp_seconds",
                "gauge",
                "The newest value of the target's time key, for each source with expect.data_within, as Unix time.");
        freshness.forEach(f -> f.dataLatest()
                .ifPresent(at -> line(
                        out,
                        "sluice_source_data_latest_timestamp_seconds",
                        f.pipeline(),
                        "source",
                        f.source(),
                        at.getEpochSecond())));
        family(out, "sluice_source_late", "gauge", "1 while a source with expect: is late, else 0.");
        freshness.forEach(f -> line(out, "sluice_source_late", f.pipeline(), "source", f.source(), f.late() ? 1 : 0));
        family(
                out,
                "sluice_expectation_failures_total",
                "counter",
                "Runs in which a declared expectation failed, by expectation and severity (fail or warn).");
        expectations.forEach(e -> out.append("sluice_expectation_failures_total{pipeline=\"")
                .append(escape(e.pipeline()))
                .append("\",expectation=\"")
                .append(escape(e.expectation()))
                .append("\",severity=\"")
                .append(escape(e.severity().toLowerCase(Locale.ROOT)))
                .append("\"} ")
                .append(e.failures())
                .append('\n'));
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
        ctx.result(out.toString());
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private static void family(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String k1, String v1, String k2, String v2, long value) {
        out.append(name)
                .append('{')
                .append(k1)
                .append("=\"")
                .append(escape(v1))
                .append("\",")
                .append(k2)
                .append("=\"")
                .append(escape(v2))
                .append("\"} ")
                .append(value)
                .append('\n');
    }

    private static void line(
            StringBuilder out, String name, String pipeline, String key, String keyValue, double value) {
        out.append(name).append("{pipeline=\"").append(escape(pipeline)).append('"');
        if (key != null) {
            out.append(',').append(key).append("=\"").append(escape(keyValue)).append('"');
        }
        out.append("} ");
        out.append(
                value == Math.rint(value) && Math.abs(value) < 1e15
                        ? String.valueOf((long) value)
                        : String.format(Locale.ROOT, "%.3f", value));
        out.append('\n');
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
