package dev.sluice.extract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunStatus;
import dev.sluice.history.Run;
import dev.sluice.history.RunJson;
import dev.sluice.init.CredentialOptions;
import dev.sluice.init.Initializer;
import dev.sluice.testing.CapturedLogs;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import dev.sluice.testing.TestRig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feed behind credentials, on real HTTP servers on loopback: the headers go to the source's origin, across its own
 * redirects, and never to another origin a redirect leads to; a refusal names what was sent, never its value; and
 * {@code sluice init} takes them by reference and writes a file that runs.
 */
class HttpCredentialsIT {
    private static final String TOKEN = "tok-Gh78-never-shown";
    private static final String KEY = "key-Ij90-never-shown";
    private static final byte[] CSV = "day,value\n2024-01-01,1.5\n2024-01-02,2.5\n".getBytes(StandardCharsets.UTF_8);

    private static TestRig rig(Path secrets) throws Exception {
        Files.writeString(secrets.resolve("api-key"), KEY + "\n");
        return new TestRig(
                TestDatabase.createDatabase(),
                Map.of(
                        "SLUICE_SECRET_ENV",
                        "FEED_TOKEN",
                        "FEED_TOKEN",
                        TOKEN,
                        "SLUICE_SECRET_DIRS",
                        secrets.toString(),
                        "SLUICE_PLAINTEXT_HOSTS",
                        "127.0.0.1"));
    }

    private static Path pipeline(Path dir, String url, Path secrets) throws Exception {
        Path file = dir.resolve("feed.yaml");
        Files.writeString(file, """
                name: feed
                sources:
                  - name: feed
                    url: %s
                    headers:
                      X-Api-Key: { file: %s }
                      Accept: text/csv
                    auth: { bearer: { env: FEED_TOKEN } }
                    key: [day]
                    columns:
                      - { header: day, type: date }
                      - { header: value, type: decimal }
                target: { table: feed }
                """.formatted(url, secrets.resolve("api-key")));
        return file;
    }

    @Test
    void credentials_go_to_the_origin_and_its_redirects_but_not_to_another_origin(
            @TempDir Path dir, @TempDir Path secrets) throws Exception {
        try (TestRig rig = rig(secrets);
                SourceServer elsewhere = new SourceServer()) {
            elsewhere.script("/signed.csv", SourceServer.body(CSV));
            rig.server.script("/feed.csv", SourceServer.status(302, "Location", "/moved.csv"));
            rig.server.script(
                    "/moved.csv",
                    SourceServer.status(
                            302, "Location", elsewhere.url("/signed.csv").toString()));
            Path file = pipeline(dir, rig.server.url("/feed.csv").toString(), secrets);

            Run run = rig.run(rig.wiring.readPipeline(file.toString()));

            assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(rig.rows("select day::text, value::text from feed order by day"))
                    .containsExactly(List.of("2024-01-01", "1.5"), List.of("2024-01-02", "2.5"));
            for (String path : List.of("/feed.csv", "/moved.csv")) {
                SourceServer.Request request = rig.server.requests(path).get(0);
                assertThat(request.header("Authorization")).isEqualTo("Bearer " + TOKEN);
                assertThat(request.header("X-Api-Key")).isEqualTo(KEY);
                assertThat(request.header("Accept")).isEqualTo("text/csv");
            }
            SourceServer.Request signed = elsewhere.requests("/signed.csv").get(0);
            assertThat(signed.headers().keySet())
                    .as("another origin (port) gets none of the source's headers")
                    .noneMatch(name -> name.equalsIgnoreCase("Authorization")
                            || name.equalsIgnoreCase("X-Api-Key")
                            || name.equalsIgnoreCase("Accept"));
            assertThat(signed.header("User-Agent")).startsWith("sluice/");
        }
    }

    @Test
    void a_refused_credential_fails_naming_what_was_sent_never_its_value(@TempDir Path dir, @TempDir Path secrets)
            throws Exception {
        try (TestRig rig = rig(secrets);
                CapturedLogs logs = new CapturedLogs()) {
            rig.server.script("/feed.csv", SourceServer.status(401));
            Path file = pipeline(dir, rig.server.url("/feed.csv").toString(), secrets);

            Run run = rig.run(rig.wiring.readPipeline(file.toString()));

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            String json = RunJson.toJson(run).toString();
            assertThat(json).contains("HTTP 401").contains("X-Api-Key, Accept, Authorization");
            assertThat(rig.count("select count(*) from sluice.runs where status = 'FAILED'"))
                    .isEqualTo(1);
            assertThat(rig.server.requests("/feed.csv"))
                    .as("a refusal is not retried")
                    .hasSize(1);
            for (String secret : List.of(TOKEN, KEY)) {
                assertThat(json + logs.text()).doesNotContain(secret);
            }
        }
    }

    @Test
    void init_takes_credentials_by_reference_and_writes_a_file_that_runs(@TempDir Path dir, @TempDir Path secrets)
            throws Exception {
        try (TestRig rig = rig(secrets)) {
            rig.server.script("/feed.csv", SourceServer.body(CSV), SourceServer.body(CSV));
            Initializer.Result result = rig.wiring
                    .initializer()
                    .initialize(new Initializer.Request(
                            List.of(rig.server.url("/feed.csv").toString()),
                            Optional.of("feed"),
                            dir,
                            new CredentialOptions(
                                    List.of("X-Api-Key=file:" + secrets.resolve("api-key")),
                                    Optional.of("env:FEED_TOKEN"),
                                    Optional.empty())));

            assertThat(rig.server.requests("/feed.csv").get(0).header("Authorization"))
                    .isEqualTo("Bearer " + TOKEN);
            assertThat(result.yaml())
                    .contains("auth: { bearer: { env: \"FEED_TOKEN\" } }")
                    .contains("\"X-Api-Key\": { file: ")
                    .doesNotContain(TOKEN)
                    .doesNotContain(KEY);
            Path file = dir.resolve("feed.yaml");
            Files.writeString(file, result.yaml());
            Run run = rig.run(rig.wiring.readPipeline(file.toString()));
            assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(rig.server.requests("/feed.csv").get(1).header("X-Api-Key"))
                    .isEqualTo(KEY);
            // HTTP's credentials are not sent to an SFTP URL (never read as a local path named "sftp:" either).
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> rig.wiring
                            .initializer()
                            .initialize(new Initializer.Request(
                                    List.of("sftp://feed@127.0.0.1/out/feed.csv"),
                                    Optional.of("feed"),
                                    dir,
                                    new CredentialOptions(
                                            List.of(),
                                            Optional.of("env:FEED_TOKEN"),
                                            Optional.empty(),
                                            new CredentialOptions.SftpLogin(
                                                    Optional.of("env:FEED_TOKEN"),
                                                    Optional.empty(),
                                                    Optional.empty(),
                                                    List.of("SHA256:" + "A".repeat(43)),
                                                    Optional.empty()))))))
                    .hasMessageContaining("--header, --bearer and --basic are sent to http(s) sources, not sftp://");
        }
    }
}
