package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.config.FetchSettings;
import dev.sluice.config.PipelineSpec;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad sources and failing servers: every failure is recorded with its kind, source, line, column and value, and
 * leaves the target exactly as it was (same rows, same row versions).
 */
class PipelineFailureIT {
    private static final byte[] NYT = SourceServer.read(SharedData.nyt("2022-04-19"));
    private static final String NYT_TEXT = new String(NYT, StandardCharsets.UTF_8);
    private TestRig rig;
    private String loaded;

    @BeforeEach
    void loadOnce() {
        rig = new TestRig();
        rig.server
                .serveFile("/nyt.csv", SharedData.nyt("2020-08-13"))
                .serveFile("/jhu.csv", SharedData.jhu("2020-09-01"));
        assertThat(rig.run(rig.covidUs()).status()).isEqualTo(RunStatus.SUCCEEDED);
        loaded = rig.tableState("covid_us_daily", "date");
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    /** Edits line {@code n} (1-based, header = 1) of the NYT file. */
    private static String editLine(int n, UnaryOperator<String> edit) {
        List<String> lines = new ArrayList<>(List.of(NYT_TEXT.split("\n", -1)));
        lines.set(n - 1, edit.apply(lines.get(n - 1)));
        return String.join("\n", lines);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(
                        "missing required column",
                        NYT_TEXT.replace(",deaths\n", "\n").replaceAll(",\\d+\n", "\n"),
                        ErrorKind.MISSING_COLUMN,
                        1L,
                        "deaths",
                        null),
                Arguments.of(
                        "non-numeric value",
                        editLine(10, l -> l.replaceFirst(",\\d+,", ",abc,")),
                        ErrorKind.INVALID_VALUE,
                        10L,
                        "cases",
                        "abc"),
                Arguments.of(
                        "negative count",
                        editLine(20, l -> l.replaceFirst(",\\d+$", ",-1")),
                        ErrorKind.INVALID_VALUE,
                        20L,
                        "deaths",
                        "-1"),
                Arguments.of(
                        "fraction in an integer",
                        editLine(30, l -> l.replaceFirst(",(\\d+),", ",$1.5,")),
                        ErrorKind.INVALID_VALUE,
                        30L,
                        "cases",
                        null),
                Arguments.of(
                        "impossible date",
                        editLine(40, l -> "2020-02-30" + l.substring(10)),
                        ErrorKind.INVALID_VALUE,
                        40L,
                        "date",
                        "2020-02-30"),
                Arguments.of(
                        "bigint overflow",
                        editLine(50, l -> l.replaceFirst(",\\d+,", ",99999999999999999999,")),
                        ErrorKind.INVALID_VALUE,
                        50L,
                        "cases",
                        "99999999999999999999"),
                Arguments.of(
                        "empty required field",
                        editLine(60, l -> l.replaceFirst(",\\d+$", ",")),
                        ErrorKind.INVALID_VALUE,
                        60L,
                        "deaths",
                        ""),
                Arguments.of(
                        "duplicate key",
                        NYT_TEXT.replace("\n2020-03-01,", "\n2020-03-01,1,0\n2020-03-01,"),
                        ErrorKind.DUPLICATE_KEY,
                        43L,
                        "date",
                        "2020-03-01"),
                // The last line "2022-04-19,80645527,987999" cut to "2022-04-19,806": two fields of three.
                Arguments.of(
                        "cut-off last line",
                        NYT_TEXT.substring(0, NYT_TEXT.length() - 12),
                        ErrorKind.INVALID_VALUE,
                        821L,
                        null,
                        null),
                Arguments.of("wrong delimiter", NYT_TEXT.replace(',', ';'), ErrorKind.MISSING_COLUMN, 1L, "date", null),
                Arguments.of("header only", "date,cases,deaths\n", ErrorKind.EMPTY_SOURCE, 1L, null, null),
                Arguments.of("unbalanced quote", editLine(70, l -> "\"" + l), ErrorKind.NOT_CSV, null, null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void a_malformed_source_fails_with_its_location_and_leaves_the_target_as_it_was(
            String name, String body, ErrorKind kind, Long line, String column, String value) {
        rig.server.script("/nyt.csv", SourceServer.body(body.getBytes(StandardCharsets.UTF_8)));
        Run run = rig.run(rig.covidUs());

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        RunError error = run.error().orElseThrow();
        assertThat(error.kind()).isEqualTo(kind);
        assertThat(error.source()).isEqualTo("nyt");
        if (line != null) {
            assertThat(error.line()).isEqualTo(line);
        }
        assertThat(error.column()).isEqualTo(column);
        if (value != null) {
            assertThat(error.value()).isEqualTo(value);
        }
        assertThat(error.message()).contains("nyt");
        assertThat(rig.tableState("covid_us_daily", "date")).isEqualTo(loaded);
        assertThat(rig.text("select status from sluice.runs where id = " + run.id()))
                .hasValue("FAILED");
    }

    @Test
    void an_html_page_with_status_200_is_rejected_as_not_csv() {
        rig.server.script("/nyt.csv", SourceServer.html());
        Run run = rig.run(rig.covidUs());

        assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.NOT_CSV);
        assertThat(run.error().orElseThrow().message()).contains("HTML");
        assertThat(rig.tableState("covid_us_daily", "date")).isEqualTo(loaded);
    }

    @Test
    void an_empty_body_is_rejected() {
        rig.server.script("/nyt.csv", SourceServer.body(new byte[0]));
        Run run = rig.run(rig.covidUs());

        assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.NOT_CSV);
        assertThat(run.error().orElseThrow().message()).contains("empty");
        assertThat(rig.tableState("covid_us_daily", "date")).isEqualTo(loaded);
    }

    @Test
    void every_invalid_value_is_reported_not_only_the_first() {
        String body = editLine(10, l -> l.replaceFirst(",\\d+,", ",x,"));
        body = body.replace("\n2020-06-01,", "\n2020-06-01,-5,");
        rig.server.script(
                "/nyt.csv",
                SourceServer.body(
                        body.replace("\n2020-06-01,-5,-5,", "\n2020-06-01,-5,").getBytes(StandardCharsets.UTF_8)));
        Run run = rig.run(rig.covidUs());

        assertThat(run.error().orElseThrow().problems())
                .hasSizeGreaterThanOrEqualTo(2)
                .extracting(RunError.Problem::line)
                .contains(10L);
        assertThat(run.error().orElseThrow().message()).startsWith("2 problems in nyt");
    }

    @Test
    void server_errors_are_retried_with_backoff_until_the_source_answers() {
        rig.server.script("/nyt.csv", SourceServer.status(500), SourceServer.status(503), SourceServer.body(NYT));
        Run run = rig.run(rig.covidUs());

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(rig.server.requests("/nyt.csv")).hasSize(1 + 3); // the setup run, then 500, 503, 200
        assertThat(rig.sleeps).hasSize(2);
        // Equal jitter: half the exponential delay fixed, half random (base 100 ms, then 200 ms).
        assertThat(rig.sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(rig.sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void retry_after_of_a_429_is_honoured() {
        rig.server.script("/nyt.csv", SourceServer.status(429, "Retry-After", "7"), SourceServer.body(NYT));
        Run run = rig.run(rig.covidUs());

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(rig.sleeps).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void a_source_still_failing_after_every_attempt_fails_the_run_as_unavailable() {
        rig.server.script("/nyt.csv", SourceServer.status(502));
        Run run = rig.run(rig.covidUs());

        RunError error = run.error().orElseThrow();
        assertThat(error.kind()).isEqualTo(ErrorKind.SOURCE_UNAVAILABLE);
        assertThat(error.message()).contains("HTTP 502").contains("after 3 attempts");
        assertThat(rig.tableState("covid_us_daily", "date")).isEqualTo(loaded);
    }

    @Test
    void a_404_is_not_retried() {
        rig.server.script("/nyt.csv", SourceServer.status(404));
        Run run = rig.run(rig.covidUs());

        assertThat(run.error().orElseThrow().message()).contains("HTTP 404");
        assertThat(rig.server.requests("/nyt.csv")).hasSize(2); // the first, successful run and this one
    }

    @Test
    void a_body_cut_off_before_its_announced_length_is_retried_and_never_loaded() {
        rig.server.script("/nyt.csv", SourceServer.cutOff(NYT, 5000));
        Run run = rig.run(rig.covidUs());

        assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.SOURCE_UNAVAILABLE);
        assertThat(rig.tableState("covid_us_daily", "date")).isEqualTo(loaded);
    }

    @Test
    void a_stalled_body_times_out_instead_of_hanging() {
        FetchSettings quick = FetchSettings.DEFAULTS
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300))
                .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1))
                .withMaxBytes(1L << 20);
        PipelineSpec spec = TestRig.withFetch(rig.covidUs(), quick);
        rig.server.script("/nyt.csv", SourceServer.stall(NYT, 1000, Duration.ofSeconds(5)));
        Run run = rig.run(spec);

        assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.SOURCE_UNAVAILABLE);
        assertThat(run.error().orElseThrow().message()).contains("stalled");
        assertThat(run.durationMs()).isLessThan(5000);
    }

    @Test
    void a_second_run_while_one_is_in_progress_ends_skipped_locked_at_once() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        rig.server.script("/nyt.csv", SourceServer.gated(entered, gate, SourceServer.body(NYT)));
        CompletableFuture<Run> first = CompletableFuture.supplyAsync(() -> rig.run(rig.covidUs()));
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

        Run second = rig.run(rig.covidUs());
        gate.countDown();

        assertThat(second.status()).isEqualTo(RunStatus.SKIPPED_LOCKED);
        assertThat(second.status().exitCode()).isEqualTo(3);
        assertThat(first.get(60, TimeUnit.SECONDS).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(rig.count("select count(*) from sluice.runs where status = 'SKIPPED_LOCKED'"))
                .isEqualTo(1);
    }

    @Test
    void a_run_left_running_by_a_dead_process_is_recorded_failed_by_the_next_run() {
        rig.execute("insert into sluice.runs (pipeline, trigger, status, started_at, definition_sha256)"
                + " values ('covid-us', 'CLI', 'RUNNING', now(), 'x')");
        long orphan = rig.count("select max(id) from sluice.runs");
        Run next = rig.run(rig.covidUs());

        assertThat(next.status()).isEqualTo(RunStatus.UNCHANGED);
        assertThat(rig.text("select status || ' ' || (error->>'kind') from sluice.runs where id = " + orphan))
                .hasValue("FAILED INTERRUPTED");
    }
}
