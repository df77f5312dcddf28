package dev.sluice.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.Main;
import dev.sluice.RunStatus;
import dev.sluice.SettableClock;
import dev.sluice.config.NotifyOn;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Secret;
import dev.sluice.config.ServedPipelines;
import dev.sluice.config.Trust;
import dev.sluice.config.WebhookChannelSpec;
import dev.sluice.history.FeedState;
import dev.sluice.history.FeedStatus;
import dev.sluice.history.Run;
import dev.sluice.schedule.PipelineService;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import dev.sluice.testing.TestRig;
import dev.sluice.web.DashboardServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A feed's freshness over days it publishes, stalls and resumes, on a clock the test moves: each transition (late by
 * {@code data_within}, late by {@code changes_within}, recovered) is recorded once and notified once, never again
 * while the state holds; {@code serve} notices lateness with no run due; {@code sluice status} and the metrics say
 * the same. Dates and times below are chosen by hand against the pipeline's {@code expect} (36 h, 2 days).
 */
class FeedFreshnessIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SettableClock clock = new SettableClock(Instant.parse("2026-03-10T12:00:00Z"));
    private final SourceServer hook = new SourceServer().script("/hook", SourceServer.status(204));

    private static String pipelineText(URI source) {
        return """
                name: prices
                sources:
                  - name: prices
                    url: %s
                    key: [date]
                    columns:
                      - { header: date, type: date }
                      - { header: value, type: integer }
                expect:
                  changes_within: 36h
                  data_within: 2d
                target:
                  table: prices
                """.formatted(source);
    }

    private PipelineSpec spec(TestRig rig) {
        // A channel that hears only of freshness (on: [late]): what it receives are the transitions.
        return TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                        .parse("prices.yaml", pipelineText(rig.server.url("/prices.csv")), Optional.empty()))
                .withMoreChannels(List.of(new WebhookChannelSpec(
                        "freshness",
                        Set.of(NotifyOn.LATE),
                        Secret.of(hookUrl()),
                        WebhookChannelSpec.Format.JSON,
                        Optional.empty())));
    }

    private String hookUrl() {
        return hook.url("/hook").toString();
    }

    private static void publish(TestRig rig, String csv) {
        rig.server.script("/prices.csv", SourceServer.body(csv.getBytes(StandardCharsets.UTF_8)));
    }

    /** The bodies the freshness channel received, in order: only transitions, since it is {@code on: [late]}. */
    private List<JsonNode> told() {
        return hook.requests("/hook").stream()
                .map(r -> {
                    try {
                        return JSON.readTree(r.body());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .toList();
    }

    private static Run runAndDeliver(TestRig rig, PipelineSpec spec) {
        return rig.runAndDeliver(spec);
    }

    @Test
    void late_by_data_then_recovered_then_late_by_changes_each_told_once() throws Exception {
        try (TestRig rig = new TestRig(TestDatabase.createDatabase(), Map.of(), clock);
                hook) {
            PipelineSpec spec = spec(rig);
            publish(rig, "date,value\n2026-03-08,1\n2026-03-09,2\n");
            assertThat(runAndDeliver(rig, spec).status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(told()).isEmpty();
            assertThat(state(rig)).isEqualTo("FRESH");

            // A day later, the same file: the newest date is two days behind, which data_within allows.
            clock.set(Instant.parse("2026-03-11T12:00:00Z"));
            Run quiet = runAndDeliver(rig, spec);
            assertThat(quiet.status()).isEqualTo(RunStatus.UNCHANGED);
            assertThat(quiet.warnings()).noneMatch(w -> w.contains("is late"));
            assertThat(told()).isEmpty();

            // The publisher revises a value but adds no date: the content changed, the data is three days behind.
            clock.set(Instant.parse("2026-03-12T12:00:00Z"));
            publish(rig, "date,value\n2026-03-08,1\n2026-03-09,3\n");
            assertThat(runAndDeliver(rig, spec).status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(told()).hasSize(1);
            JsonNode late = told().get(0);
            assertThat(late.get("kind").asText()).isEqualTo("freshness");
            assertThat(late.get("event").asText()).isEqualTo("LATE");
            assertThat(late.get("source").asText()).isEqualTo("prices");
            assertThat(late.get("reason").asText())
                    .isEqualTo("newest date 2026-03-09 (3 days behind), expected within 2d");

            // Still late six hours later: the unchanged run says so, and nobody is told again.
            clock.set(Instant.parse("2026-03-12T18:00:00Z"));
            Run stillLate = runAndDeliver(rig, spec);
            assertThat(stillLate.status()).isEqualTo(RunStatus.UNCHANGED);
            assertThat(stillLate.warnings())
                    .anyMatch(w -> w.startsWith("prices is late since 2026-03-12 12:00 UTC: newest date 2026-03-09"));
            assertThat(told()).hasSize(1);

            // The publisher catches up: fresh again, told once, with when it went late.
            clock.set(Instant.parse("2026-03-13T09:00:00Z"));
            publish(rig, "date,value\n2026-03-08,1\n2026-03-09,3\n2026-03-12,4\n");
            assertThat(runAndDeliver(rig, spec).status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(told()).hasSize(2);
            JsonNode recovered = told().get(1);
            assertThat(recovered.get("event").asText()).isEqualTo("RECOVERED");
            assertThat(recovered.get("state").asText()).isEqualTo("FRESH");
            assertThat(recovered.get("late_since").asText()).isEqualTo("2026-03-12T12:00:00Z");
            assertThat(state(rig)).isEqualTo("FRESH");
            assertThat(rig.count("select count(*) from sluice.feed_events where pipeline = 'prices'"))
                    .isEqualTo(2);

            // 37 hours without a change, the data two days behind: late by changes_within alone, noticed by
            // serve between runs (no run is due: the pipeline has no schedule).
            clock.set(Instant.parse("2026-03-14T22:00:00Z"));
            try (PipelineService service = rig.wiring.service(rig.database, rig.pipeline(), Duration.ofSeconds(5))) {
                service.start(rig.database.dataSource(), () -> ServedPipelines.of(List.of(spec)));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (told().size() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
            }
            assertThat(told()).hasSize(3);
            assertThat(told().get(2).get("event").asText()).isEqualTo("LATE");
            assertThat(told().get(2).get("reason").asText())
                    .isEqualTo("content last changed 2026-03-13 09:00 UTC (37 hours ago), expected to change within"
                            + " 36h");
            assertThat(rig.count("select count(*) from sluice.runs where pipeline = 'prices'"))
                    .as("serve judged freshness without running the pipeline")
                    .isEqualTo(5);

            // sluice status, for scripts: exit 1 while late, with the reason; the metrics say the same.
            Path file = rig.home.resolve("prices.yaml");
            Files.writeString(file, pipelineText(rig.server.url("/prices.csv")));
            Status late2 = status(rig, file);
            assertThat(late2.exitCode()).isEqualTo(1);
            assertThat(late2.out()).contains("prices").contains("LATE").contains("content last changed");
            try (HikariDataSource reader = rig.database.openReader(Optional.empty(), 2);
                    DashboardServer server = rig.dashboard(spec, reader)) {
                String metrics = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                assertThat(metrics)
                        .contains("sluice_source_late{pipeline=\"prices\",source=\"prices\"} 1")
                        .contains("sluice_source_last_changed_timestamp_seconds{pipeline=\"prices\",source=\"prices\"} "
                                + Instant.parse("2026-03-13T09:00:00Z").getEpochSecond())
                        .contains("sluice_source_data_latest_timestamp_seconds{pipeline=\"prices\",source=\"prices\"} "
                                + Instant.parse("2026-03-12T00:00:00Z").getEpochSecond());
            }

            // A new publication: fresh again, and status exits 0.
            clock.set(Instant.parse("2026-03-15T08:00:00Z"));
            publish(rig, "date,value\n2026-03-08,1\n2026-03-09,3\n2026-03-12,4\n2026-03-14,5\n");
            assertThat(runAndDeliver(rig, spec).status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(told()).hasSize(4);
            assertThat(told().get(3).get("event").asText()).isEqualTo("RECOVERED");
            assertThat(status(rig, file).exitCode()).isEqualTo(0);
        }
    }

    @Test
    void a_status_without_a_run_is_judged_and_nothing_is_recorded() {
        try (TestRig rig = new TestRig(TestDatabase.createDatabase(), Map.of(), clock);
                hook) {
            PipelineSpec spec = spec(rig);
            publish(rig, "date,value\n2026-03-09,2\n");
            rig.run(spec);
            clock.set(Instant.parse("2026-03-20T12:00:00Z"));
            List<FeedStatus> now = rig.pipeline().freshnessNow(spec).statuses();
            assertThat(now).singleElement().satisfies(s -> {
                assertThat(s.state()).isEqualTo(FeedState.LATE);
                assertThat(s.reason()).contains("content last changed").contains("newest date 2026-03-09");
            });
            assertThat(state(rig)).as("the stored state is untouched").isEqualTo("FRESH");
            assertThat(rig.count("select count(*) from sluice.feed_events where pipeline = 'prices'"))
                    .isZero();
        }
    }

    private static String state(TestRig rig) {
        return rig.text("select state from sluice.feed_health where pipeline = 'prices' and source = 'prices'")
                .orElse("none");
    }

    private record Status(int exitCode, String out) {}

    private Status status(TestRig rig, Path file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("SLUICE_HOME", rig.home.toString(), "SLUICE_DB_URL", rig.url);
        int code = new Main(env, clock, new PrintStream(out), new PrintStream(err), false)
                .execute("status", "--pipeline", file.toString());
        return new Status(code, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }
}
