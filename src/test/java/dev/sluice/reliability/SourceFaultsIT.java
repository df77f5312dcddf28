package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.config.FetchSettings;
import dev.sluice.config.PipelineSpec;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.testing.FailureWitness;
import dev.sluice.testing.RawHttpServer;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A source server misbehaving in every way the network allows, after a first good load: each fault either heals
 * within the retries (and the run loads the right data) or fails the run cleanly (recorded, notified, the target
 * exactly as it was). Faults covered elsewhere: HTML, empty and cut-off bodies, 404, stalls mid-body and a gated
 * concurrent run in {@code PipelineFailureIT}; gzip in {@code PipelineLoadIT}; resets and stalls during a first
 * load in {@code FirstLoadIT}; https to http in {@code HttpsRedirectIT}.
 */
class SourceFaultsIT {
    private static final byte[] NYT = SourceServer.read(SharedData.nyt("2022-04-19"));

    private TestRig rig;
    private FailureWitness witness;
    private PipelineSpec spec;

    @BeforeEach
    void loadOnce() {
        rig = new TestRig();
        witness = new FailureWitness(rig, "covid_us_daily", "date");
        rig.server
                .serveFile("/nyt.csv", SharedData.nyt("2020-08-13"))
                .serveFile("/jhu.csv", SharedData.jhu("2020-09-01"));
        spec = witness.watch(rig.covidUs());
        assertThat(rig.run(spec).status()).isEqualTo(RunStatus.SUCCEEDED);
        rig.sleeps.clear();
        witness.remember();
    }

    @AfterEach
    void stop() {
        witness.close();
        rig.close();
    }

    private Run runWithNytAt(URI url) {
        return rig.run(TestRig.withUrl(spec, "nyt", url));
    }

    @Test
    void connection_refused_is_retried_then_fails_cleanly() {
        Run run = runWithNytAt(URI.create("http://127.0.0.1:" + SourceServer.closedPort() + "/us.csv"));

        RunError error = witness.assertFailedCleanly(spec, run, ErrorKind.SOURCE_UNAVAILABLE);
        assertThat(error.source()).isEqualTo("nyt");
        assertThat(error.message()).contains("connection refused").contains("after 3 attempts");
        assertThat(rig.sleeps).hasSize(2);
    }

    @Test
    void a_connection_reset_mid_body_is_retried_and_the_retry_loads_the_whole_file() {
        try (RawHttpServer server = new RawHttpServer(RawHttpServer.resetAfter(NYT, 9000), RawHttpServer.full(NYT))) {
            Run run = runWithNytAt(server.url("/us.csv"));

            assertThat(run.status())
                    .as(run.error().map(RunError::message).orElse(""))
                    .isEqualTo(RunStatus.SUCCEEDED);
            assertThat(server.connections()).isEqualTo(2);
            assertThat(rig.count("select count(*) from covid_us_daily")).isEqualTo(820);
            assertThat(rig.text("select cases || '/' || deaths from covid_us_daily where date = '2022-04-19'"))
                    .hasValue("80645527/987999");
        }
    }

    @Test
    void a_connection_reset_on_every_attempt_fails_cleanly() {
        try (RawHttpServer server = new RawHttpServer(RawHttpServer.resetAfter(NYT, 9000))) {
            Run run = runWithNytAt(server.url("/us.csv"));

            RunError error = witness.assertFailedCleanly(spec, run, ErrorKind.SOURCE_UNAVAILABLE);
            // The JDK reports the reset from send() or from the body, depending on when it read the bytes.
            assertThat(error.message())
                    .containsAnyOf("the connection broke while reading the body", "connection failed")
                    .contains("bytes received: 9000");
            assertThat(server.connections()).isEqualTo(3);
        }
    }

    @Test
    void a_server_that_accepts_and_never_answers_times_out_instead_of_hanging() {
        FetchSettings quick = FetchSettings.DEFAULTS
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(400))
                .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1))
                .withMaxBytes(1L << 20);
        try (RawHttpServer server = new RawHttpServer(RawHttpServer.silent(10_000))) {
            PipelineSpec quickSpec = TestRig.withFetch(spec, quick);
            Run run = rig.run(TestRig.withUrl(quickSpec, "nyt", server.url("/us.csv")));

            RunError error = witness.assertFailedCleanly(quickSpec, run, ErrorKind.SOURCE_UNAVAILABLE);
            assertThat(error.message()).contains("no response within");
            assertThat(server.connections()).isEqualTo(2);
            assertThat(run.durationMs()).isLessThan(10_000);
        }
    }

    @Test
    void errors_500_502_and_503_are_retried_until_the_file_arrives() {
        rig.server.script(
                "/flaky.csv",
                SourceServer.status(500),
                SourceServer.status(502),
                SourceServer.status(503),
                SourceServer.body(NYT));
        PipelineSpec patient = TestRig.withFetch(
                spec,
                FetchSettings.DEFAULTS
                        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2))
                        .withRetries(4, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30))
                        .withMaxBytes(64L << 20));
        Run run = rig.run(TestRig.withUrl(patient, "nyt", rig.server.url("/flaky.csv")));

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(rig.server.requests("/flaky.csv")).hasSize(4);
        assertThat(rig.sleeps).hasSize(3);
        assertThat(rig.count("select count(*) from covid_us_daily")).isEqualTo(820);
    }

    @Test
    void retry_after_as_an_http_date_is_honoured() {
        String inThreeSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(3));
        rig.server.script("/busy.csv", SourceServer.status(429, "Retry-After", inThreeSeconds), SourceServer.body(NYT));
        Run run = runWithNytAt(rig.server.url("/busy.csv"));

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        // The date has whole seconds: between 2 and 3 s from now, less the time the request took.
        assertThat(rig.sleeps)
                .singleElement()
                .satisfies(d -> assertThat(d).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(3)));
    }

    @Test
    void a_retry_after_longer_than_allowed_fails_at_once_instead_of_waiting() {
        rig.server.script("/busy.csv", SourceServer.status(503, "Retry-After", "3600"));
        Run run = runWithNytAt(rig.server.url("/busy.csv"));

        RunError error = witness.assertFailedCleanly(spec, run, ErrorKind.SOURCE_UNAVAILABLE);
        assertThat(error.message()).contains("retry after 3600 s").contains("fetch.max_retry_after");
        assertThat(rig.sleeps).isEmpty();
        assertThat(rig.server.requests("/busy.csv")).hasSize(1);
    }

    @Test
    void a_content_length_shorter_than_the_body_cuts_the_last_line_which_fails_the_run() {
        // The last line "2022-04-19,80645527,987999" is cut to "2022-04-19,806": two fields of three.
        try (RawHttpServer server = new RawHttpServer(RawHttpServer.announcing(NYT, NYT.length - 12))) {
            Run run = runWithNytAt(server.url("/us.csv"));

            RunError error = witness.assertFailedCleanly(spec, run, ErrorKind.INVALID_VALUE);
            assertThat(error.source()).isEqualTo("nyt");
            assertThat(error.line()).isEqualTo(821L);
            assertThat(error.value()).isEqualTo("2022-04-19,806");
        }
    }

    @Test
    void a_content_length_ending_on_a_line_boundary_loads_fewer_rows_and_deletes_nothing() {
        // The documented limit: a body cut exactly after a line is well-formed CSV. Rows it lacks stay in the target.
        int lastLine = new String(NYT, java.nio.charset.StandardCharsets.UTF_8).lastIndexOf('\n') + 1;
        long before = rig.count("select count(*) from covid_us_daily");
        try (RawHttpServer server = new RawHttpServer(RawHttpServer.announcing(NYT, lastLine))) {
            Run run = runWithNytAt(server.url("/us.csv"));

            assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(rig.count("select count(*) from covid_us_daily"))
                    .isEqualTo(819)
                    .isGreaterThan(before);
            assertThat(rig.count("select count(*) from covid_us_daily where date = '2022-04-19'"))
                    .isZero();
        }
    }

    @Test
    void redirects_are_followed_within_the_limit() {
        rig.server
                .script("/a", SourceServer.status(301, "Location", "/b"))
                .script("/b", SourceServer.status(302, "Location", "/c"))
                .script("/c", SourceServer.status(307, "Location", "/moved.csv"))
                .script("/moved.csv", SourceServer.body(NYT));
        Run run = runWithNytAt(rig.server.url("/a"));

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(rig.count("select count(*) from covid_us_daily")).isEqualTo(820);
        assertThat(run.sources().get("nyt").url()).endsWith("/a");
    }

    @Test
    void a_redirect_loop_fails_cleanly_and_says_so() {
        rig.server.script("/loop", SourceServer.status(302, "Location", "/loop"));
        Run run = runWithNytAt(rig.server.url("/loop"));

        RunError error = witness.assertFailedCleanly(spec, run, ErrorKind.SOURCE_UNAVAILABLE);
        assertThat(error.message()).contains("redirect");
        assertThat(rig.server.requests("/loop").size()).isBetween(2, 12);
    }
}
