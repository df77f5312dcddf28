package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.config.FetchSettings;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.history.RunJson;
import dev.sluice.testing.CapturedLogs;
import dev.sluice.testing.FailureWitness;
import dev.sluice.testing.RawHttpServer;
import dev.sluice.testing.RecordingSmtpServer;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SluiceProcess;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import dev.sluice.testing.TestRig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The findings of the hostile probe of pipeline files and sources, each reproduced: a file sending the operator's
 * secrets to its own servers, a symlinked directory escaping confinement after {@code check}, a header that made
 * every record, message and response huge, a body trickled forever while holding the lock, and redirects to places
 * a source must not lead. Each was red before its fix.
 */
class UntrustedInputIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DB_PASSWORD = "db-pass-Qv42";

    @TempDir
    Path home;

    /** A pipeline file with one channel, reading the NYT snapshot from its own directory. */
    private Path pipelineWith(String channel) throws IOException {
        Files.copy(SharedData.nyt("2022-04-19"), home.resolve("us.csv"));
        Path file = home.resolve("hostile.yaml");
        Files.writeString(file, """
                name: hostile
                sources:
                  - name: nyt
                    url: file:us.csv
                    key: [date]
                    columns:
                      - { header: date, type: date }
                      - { header: cases, type: integer }
                target: { table: hostile }
                notifications:
                """ + channel);
        return file;
    }

    private Map<String, String> env(String... more) {
        Map<String, String> env = new HashMap<>(Map.of(
                "SLUICE_HOME", home.toString(),
                "SLUICE_DB_URL", TestDatabase.createDatabase(),
                "SLUICE_DB_PASSWORD", DB_PASSWORD,
                "AWS_ACCESS_KEY_ID", "AKIDHOSTILE",
                "AWS_SECRET_ACCESS_KEY", "aws-secret-key-Pp19",
                "AWS_SESSION_TOKEN", "aws-session-token-Tt23",
                "AWS_REGION", "us-east-1"));
        for (int i = 0; i + 1 < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    @Test
    void a_pipeline_file_cannot_send_the_operators_secrets_to_an_smtp_server_of_its_choosing() throws Exception {
        try (RecordingSmtpServer smtp = new RecordingSmtpServer()) {
            String channel = """
                      - name: exfiltrate
                        type: email
                        host: 127.0.0.1
                        port: %d
                        tls: none
                        user: thief
                        password: %s
                        from: sluice@example.org
                        to: [thief@example.org]
                    """;
            for (String reference : List.of("{env: SLUICE_DB_PASSWORD}", "{file: /etc/shadow}")) {
                Path file = pipelineWith(channel.formatted(smtp.port(), reference));
                for (String command : List.of("check", "run")) {
                    SluiceProcess.Result result = SluiceProcess.run(env(), command, "--pipeline", file.toString());
                    assertThat(result.exitCode())
                            .as(command + " " + reference + ": " + result.stderr())
                            .isEqualTo(2);
                    assertThat(result.stderr())
                            .contains(file + ":")
                            .contains("notifications[0].password")
                            .doesNotContain(DB_PASSWORD);
                    Files.delete(home.resolve("us.csv"));
                    file = pipelineWith(channel.formatted(smtp.port(), reference));
                }
                Files.delete(home.resolve("us.csv"));
            }
            assertThat(smtp.lines()).as("what the file's SMTP server was told").isEmpty();

            // The control: what the operator lends, over plaintext it allowed, does reach the server.
            Path lent = pipelineWith(channel.formatted(smtp.port(), "{env: SMTP_PASSWORD}"));
            SluiceProcess.Result result = SluiceProcess.run(
                    env(
                            "SMTP_PASSWORD",
                            "lent-pass-Ok12",
                            "SLUICE_SECRET_ENV",
                            "SMTP_PASSWORD",
                            "SLUICE_PLAINTEXT_HOSTS",
                            "127.0.0.1"),
                    "run",
                    "--pipeline",
                    lent.toString());
            assertThat(result.exitCode()).as(result.stderr()).isZero();
            assertThat(smtp.credentials()).anySatisfy(c -> assertThat(c).contains("lent-pass-Ok12"));
            assertThat(String.join("\n", smtp.lines())).doesNotContain(DB_PASSWORD);
        }
    }

    @Test
    void an_sns_endpoint_over_plain_http_never_receives_the_aws_signature() throws Exception {
        try (SourceServer endpoint = new SourceServer()) {
            endpoint.script(
                    "/",
                    SourceServer.respond(
                            200,
                            "text/xml",
                            "<PublishResponse><PublishResult>"
                                    + "<MessageId>m-1</MessageId></PublishResult></PublishResponse>"));
            String channel = """
                      - name: topic
                        type: sns
                        topic_arn: arn:aws:sns:us-east-1:123456789012:t
                        region: us-east-1
                        endpoint: %s
                    """.formatted(endpoint.url(""));
            Path file = pipelineWith(channel);
            SluiceProcess.Result refused = SluiceProcess.run(env(), "run", "--pipeline", file.toString());
            assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(2);
            assertThat(refused.stderr()).contains("over plain http to 127.0.0.1");
            assertThat(endpoint.requests("/")).isEmpty();

            // The control: allowed plaintext to loopback, the SDK's signed request does arrive.
            SluiceProcess.Result allowed =
                    SluiceProcess.run(env("SLUICE_PLAINTEXT_HOSTS", "127.0.0.1"), "run", "--pipeline", file.toString());
            assertThat(allowed.exitCode()).as(allowed.stderr()).isZero();
            assertThat(endpoint.requests("/"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.header("Authorization")).contains("AKIDHOSTILE"));
        }
    }

    @Test
    void a_symlinked_directory_created_between_check_and_run_is_refused_at_the_read() throws Exception {
        Path allowed = Files.createDirectories(home.resolve("pipelines"));
        Path elsewhere = Files.createDirectories(home.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("pgpass"), "date,cases\n2020-01-01,1\nsecret-line-Pp44,2\n");
        Path file = allowed.resolve("p.yaml");
        Files.writeString(file, """
                name: escape
                sources:
                  - name: leak
                    url: file:outdir/pgpass
                    key: [date]
                    columns:
                      - { header: date }
                      - { header: cases, type: integer }
                target: { table: leak }
                """);
        Map<String, String> env = env();
        assertThat(SluiceProcess.run(env, "check", "--no-db", "--pipeline", file.toString())
                        .exitCode())
                .as("outdir does not exist yet: nothing to refuse")
                .isZero();

        // What a long-running serve holds: the pipeline as read before the link appeared.
        PipelineSpec readBefore = new PipelineFileReader(Trust.none()).read(file.toString());

        Files.createSymbolicLink(allowed.resolve("outdir"), elsewhere);
        for (String command : List.of("check", "run")) {
            SluiceProcess.Result result = SluiceProcess.run(env, command, "--pipeline", file.toString());
            assertThat(result.exitCode()).as(command).isEqualTo(2);
            assertThat(result.stderr())
                    .contains("p.yaml:4: sources[0].url")
                    .contains("really " + elsewhere.toRealPath().resolve("pgpass"))
                    .doesNotContain("secret-line-Pp44");
        }
        try (TestRig rig = new TestRig()) {
            Run run = rig.run(readBefore);
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.SOURCE_UNAVAILABLE);
            assertThat(run.error().orElseThrow().message()).contains("outside the directories allowed");
            assertThat(RunJson.toJson(run).toString()).doesNotContain("secret-line-Pp44");
            assertThat(rig.count("select count(*) from pg_tables where tablename = 'leak'"))
                    .isZero();
        }
    }

    /** A header of 15,000 columns of 1,000 characters: 15 MB on one line. */
    private static byte[] hugeHeader() {
        StringBuilder csv = new StringBuilder(15_100_000);
        for (int i = 0; i < 15_000; i++) {
            csv.append(i == 0 ? "" : ",").append(String.format("c%05d", i)).append("x".repeat(994));
        }
        csv.append("\n");
        for (int i = 0; i < 15_000; i++) {
            csv.append(i == 0 ? "1" : ",1");
        }
        return csv.append("\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void a_huge_header_leaves_a_run_record_a_log_line_a_message_and_the_api_small() throws Exception {
        byte[] body = hugeHeader();
        try (TestRig rig = new TestRig();
                CapturedLogs logs = new CapturedLogs();
                FailureWitness witness = new FailureWitness(rig, "covid_us_daily", "date")) {
            rig.server.script("/nyt.csv", SourceServer.body(body));
            rig.server.serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
            PipelineSpec spec = witness.watch(rig.covidUs());
            witness.remember();
            Run run = rig.run(spec);

            witness.assertFailedCleanly(spec, run, ErrorKind.MISSING_COLUMN);
            assertThat(RunJson.toJson(run).toString().length())
                    .as("the run record")
                    .isLessThan(6_000);
            assertThat(run.error().orElseThrow().message()).contains("15,000 columns in all");
            JsonNode notified = witness.notification(spec, run.id());
            assertThat(notified.toString().length()).as("the notification").isLessThan(8_000);
            assertThat(logs.lines())
                    .allSatisfy(line -> assertThat(line.length()).isLessThan(4_000));
            assertThat(rig.text("select length(error::text) from sluice.runs where id = " + run.id())
                            .orElseThrow())
                    .satisfies(length -> assertThat(Integer.parseInt(length)).isLessThan(6_000));
        }
    }

    @Test
    void serve_keeps_answering_in_a_small_heap_after_runs_of_a_huge_header() throws Exception {
        byte[] body = hugeHeader();
        try (SourceServer source = new SourceServer()) {
            source.script("/wide.csv", SourceServer.body(body));
            Path file = home.resolve("wide.yaml");
            Files.writeString(file, """
                    name: wide
                    sources:
                      - name: wide
                        url: %s
                        key: [date]
                        columns:
                          - { header: date, type: date }
                    target: { table: wide }
                    """.formatted(source.url("/wide.csv")));
            Map<String, String> env = env("SLUICE_API_TOKEN", "api-token-Xy66", "SLUICE_JAVA_OPTS", "");
            Path out = home.resolve("serve.out");
            Path err = home.resolve("serve.err");
            Process serve = SluiceProcess.start(
                    List.of("-Xmx192m"), env, out, err, "serve", "--pipeline", file.toString(), "--port", "0");
            try {
                int port = SluiceProcess.awaitPort(serve, out, err);
                HttpClient http = HttpClient.newHttpClient();
                // Four runs that fail on the header. A run is recorded before its lock is released, so on a loaded
                // machine the next one asked for at once may find it still held (SKIPPED_LOCKED): it is asked again.
                int failed = 0;
                for (int asked = 1; failed < 4 && asked <= 20; asked++) {
                    HttpResponse<String> accepted = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/pipelines/wide/runs"))
                                    .header("Authorization", "Bearer api-token-Xy66")
                                    .POST(HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(accepted.statusCode()).isEqualTo(202);
                    failed = awaitRuns(http, port, asked);
                }
                assertThat(failed).isEqualTo(4);
                HttpResponse<String> runs = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/runs?limit=200"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(runs.statusCode()).isEqualTo(200);
                assertThat(runs.body().length()).as("four failed runs").isLessThan(4 * 6_000);
                assertThat(JSON.readTree(runs.body()))
                        .filteredOn(r -> !r.get("status").asText().equals("SKIPPED_LOCKED"))
                        .hasSize(4)
                        .allSatisfy(
                                r -> assertThat(r.at("/error/kind").asText()).isEqualTo("MISSING_COLUMN"));
                HttpResponse<String> tooMany = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/runs?limit=1000"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(tooMany.statusCode()).isEqualTo(400);
                assertThat(serve.isAlive()).isTrue();
                assertThat(Files.readString(err)).doesNotContain("OutOfMemoryError");
            } finally {
                serve.destroy();
                serve.waitFor(60, TimeUnit.SECONDS);
            }
        }
    }

    /** Waits until {@code finished} runs have ended; returns how many of them failed. */
    private static int awaitRuns(HttpClient http, int port, int finished) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JsonNode runs = JSON.readTree(http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/runs?limit=50"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            long done = 0;
            int failed = 0;
            for (JsonNode run : runs) {
                done += run.get("status").asText().equals("RUNNING") ? 0 : 1;
                failed += run.get("status").asText().equals("FAILED") ? 1 : 0;
            }
            if (done >= finished) {
                return failed;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("run " + finished + " did not finish");
    }

    @Test
    void a_trickled_body_fails_at_the_deadline_and_the_next_run_is_not_skipped() throws Exception {
        byte[] nyt = SourceServer.read(SharedData.nyt("2022-04-19"));
        try (TestRig rig = new TestRig();
                RawHttpServer trickle = new RawHttpServer(RawHttpServer.trickle(nyt, 100))) {
            rig.server.serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
            FetchSettings patient = TestRig.FAST_FETCH
                    .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
                    .withMinRate(new FetchSettings.MinimumRate(0, Duration.ofMinutes(1)))
                    .withDeadline(Duration.ofSeconds(2));
            PipelineSpec spec = TestRig.withUrl(TestRig.withFetch(rig.covidUs(), patient), "nyt", trickle.url("/"));
            long started = System.nanoTime();
            Run run = rig.run(spec);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.SOURCE_UNAVAILABLE);
            assertThat(run.error().orElseThrow().message()).contains("no body within fetch.deadline (2s)");
            assertThat(took).as("the deadline ends the fetch").isLessThan(Duration.ofSeconds(15));
            assertThat(rig.run(spec).status()).as("the lock was released").isNotEqualTo(RunStatus.SKIPPED_LOCKED);
        }
    }

    @Test
    void a_body_slower_than_the_minimum_rate_fails_naming_it() throws Exception {
        byte[] nyt = SourceServer.read(SharedData.nyt("2022-04-19"));
        try (TestRig rig = new TestRig();
                RawHttpServer trickle = new RawHttpServer(RawHttpServer.trickle(nyt, 100))) {
            rig.server.serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
            FetchSettings demanding = TestRig.FAST_FETCH
                    .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
                    .withRetries(1, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1))
                    .withMinRate(new FetchSettings.MinimumRate(1024, Duration.ofSeconds(1)));
            Run run = rig.run(TestRig.withUrl(TestRig.withFetch(rig.covidUs(), demanding), "nyt", trickle.url("/")));

            assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.SOURCE_UNAVAILABLE);
            assertThat(run.error().orElseThrow().message()).contains("slower than fetch.min_rate (1,024 B/s over 1 s)");
        }
    }

    @Test
    void redirects_lead_only_where_a_source_may_go_and_each_refusal_says_why() throws Exception {
        try (TestRig rig = new TestRig();
                SourceServer other = new SourceServer(InetAddress.getByName("127.0.0.2"))) {
            rig.server.serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
            other.script(
                    "/credentials",
                    SourceServer.respond(
                            200,
                            "application/json",
                            "{\"AccessKeyId\": \"ASIA-secret-Cr77\", \"SecretAccessKey\": \"secret-Sk88\"}"));
            rig.server.script("/to-file", SourceServer.status(302, "Location", "file:///etc/passwd"));
            rig.server.script(
                    "/to-other-host",
                    SourceServer.status(
                            302, "Location", other.url("/credentials").toString()));
            rig.server.script("/to-own-host", SourceServer.status(302, "Location", "/nyt.csv"));
            rig.server.serveFile("/nyt.csv", SharedData.nyt("2022-04-19"));

            Map<String, String> expected = Map.of(
                    "/to-file",
                    "a redirect to file: is refused: only http and https are followed",
                    "/to-other-host",
                    "a redirect to the loopback address 127.0.0.2 (127.0.0.2) is refused: it is"
                            + " not the source's own host");
            List<String> everything = new ArrayList<>();
            for (Map.Entry<String, String> redirect : expected.entrySet()) {
                Run run = rig.run(TestRig.withUrl(rig.covidUs(), "nyt", rig.server.url(redirect.getKey())));
                assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.SOURCE_UNAVAILABLE);
                assertThat(run.error().orElseThrow().message()).contains(redirect.getValue());
                everything.add(RunJson.toJson(run).toString());
            }
            assertThat(other.requests("/credentials"))
                    .as("the other host was never asked")
                    .isEmpty();
            assertThat(String.join("\n", everything)).doesNotContain("ASIA-secret-Cr77");

            Run own = rig.run(TestRig.withUrl(rig.covidUs(), "nyt", rig.server.url("/to-own-host")));
            assertThat(own.status()).as("a redirect on the source's own host").isEqualTo(RunStatus.SUCCEEDED);
        }
        try (TestRig allowing =
                        new TestRig(TestDatabase.createDatabase(), Map.of("SLUICE_ALLOW_NETWORKS", "127.0.0.2/32"));
                SourceServer other = new SourceServer(InetAddress.getByName("127.0.0.2"))) {
            allowing.server.serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
            other.serveFile("/nyt.csv", SharedData.nyt("2022-04-19"));
            allowing.server.script(
                    "/elsewhere",
                    SourceServer.status(302, "Location", other.url("/nyt.csv").toString()));
            Run run = allowing.run(TestRig.withUrl(allowing.covidUs(), "nyt", allowing.server.url("/elsewhere")));
            assertThat(run.status()).as("the operator allowed that range").isEqualTo(RunStatus.SUCCEEDED);
        }
    }

    @Test
    void serving_beyond_loopback_is_said_at_start_up() throws Exception {
        Path out = home.resolve("serve.out");
        Path err = home.resolve("serve.err");
        Process serve = SluiceProcess.start(
                env(), out, err, "serve", "--pipeline", "us-counties", "--bind", "0.0.0.0", "--port", "0");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(out).contains("dashboard and API on") && System.nanoTime() < deadline) {
                assertThat(serve.isAlive()).as(Files.readString(err)).isTrue();
                Thread.sleep(100);
            }
            assertThat(Files.readString(err))
                    .contains("warning: serving on 0.0.0.0: the dashboard and API can be"
                            + " reached from other machines, without TLS or login")
                    .contains("SLUICE_ALLOWED_HOSTS");
        } finally {
            serve.destroy();
            serve.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_body_that_is_not_csv_is_published_by_its_kind_and_size_only() throws Exception {
        try (TestRig rig = new TestRig()) {
            rig.server.serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
            rig.server.script(
                    "/nyt.csv",
                    SourceServer.respond(
                            200,
                            "application/json",
                            "{\"Code\": \"Success\", \"AccessKeyId\": \"ASIA-secret-Cr77\", \"Token\": \"tok-Tk99\"}\n"));
            Run run = rig.run(rig.covidUs());
            assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.NOT_CSV);
            assertThat(run.error().orElseThrow().message()).isEqualTo("nyt: the body is JSON, not CSV: 76 bytes");
            assertThat(RunJson.toJson(run).toString())
                    .doesNotContain("ASIA-secret-Cr77")
                    .doesNotContain("tok-Tk99");
        }
    }
}
