package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SluiceProcess;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Known secret values in every place sluice takes secrets from (database password, SMTP password, webhook URL and
 * signing key, AWS keys, credentials and a token in a source URL, the API token, the reader's password), a run that
 * fails while every channel but email fails too, at DEBUG: no secret may appear in any process's arguments (what
 * {@code ps} shows), its stdout or stderr, the run history, any dashboard or API response, or any message sent. The
 * same test checks that {@code serve} listens on loopback only when not told otherwise.
 */
class SecurityIT {
    private static final String SMTP_PASSWORD = "smtp-pass-Wx09";

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("etl@example.org", SMTP_PASSWORD));

    private static final List<String> SECRETS = List.of(
            "db-pass-Qv42",
            SMTP_PASSWORD,
            "hook-token-Zq81",
            "hmac-key-Rt55",
            "aws-secret-key-Pp19",
            "source-pass-Kd32",
            "source-token-Mm77",
            "api-token-Xy66",
            "reader-pass-Lm21");

    @TempDir
    Path home;

    @Test
    void no_secret_appears_in_arguments_output_history_dashboard_or_messages() throws Exception {
        StringBuilder seen = new StringBuilder();
        try (SourceServer sources = new SourceServer();
                SourceServer receiver = new SourceServer()) {
            sources.script(
                    "/nyt.csv",
                    SourceServer.body("date,cases,deaths\n2020-01-21,-1,0\n".getBytes(StandardCharsets.UTF_8)));
            sources.serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
            receiver.script("/services/hook-token-Zq81", SourceServer.status(500));
            receiver.script(
                    "/",
                    SourceServer.respond(
                            403,
                            "text/xml",
                            "<ErrorResponse><Error><Type>Sender</Type>"
                                    + "<Code>InvalidClientTokenId</Code><Message>The security token is invalid.</Message></Error>"
                                    + "</ErrorResponse>"));
            String sourceBase =
                    "http://etl:source-pass-Kd32@127.0.0.1:" + sources.url("/").getPort();
            Path pipeline = home.resolve("covid-us.yaml");
            Files.writeString(
                    pipeline,
                    PipelineFileReader.bundledText("covid-us")
                            .replace(
                                    "https://raw.githubusercontent.com/nytimes/covid-19-data/master/us.csv",
                                    sourceBase + "/nyt.csv?token=source-token-Mm77")
                            .replace(
                                    "https://raw.githubusercontent.com/datasets/covid-19/master/data/time-series-19-covid-combined.csv",
                                    sources.url("/jhu.csv").toString()));
            String db = TestDatabase.createDatabase();
            Map<String, String> env = new HashMap<>(Map.of(
                    "SLUICE_HOME",
                    home.toString(),
                    "SLUICE_LOG_LEVEL",
                    "DEBUG",
                    "SLUICE_DB_PASSWORD",
                    "db-pass-Qv42",
                    "SLUICE_PLAINTEXT_HOSTS",
                    "127.0.0.1",
                    "SLUICE_WEBHOOK_URL",
                    receiver.url("/services/hook-token-Zq81").toString(),
                    "SLUICE_WEBHOOK_SECRET",
                    "hmac-key-Rt55",
                    "SLUICE_SMTP_HOST",
                    "127.0.0.1",
                    "SLUICE_SMTP_PORT",
                    String.valueOf(MAIL.getSmtp().getPort()),
                    "SLUICE_SMTP_TLS",
                    "none"));
            env.putAll(Map.of("SLUICE_SMTP_USER", "etl@example.org"));
            env.putAll(Map.of(
                    "SLUICE_SMTP_PASSWORD",
                    SMTP_PASSWORD,
                    "SLUICE_SMTP_FROM",
                    "sluice@example.org",
                    "SLUICE_SMTP_TO",
                    "oncall@example.org",
                    "SLUICE_SNS_TOPIC_ARN",
                    "arn:aws:sns:us-east-1:123456789012:t",
                    "SLUICE_SNS_ENDPOINT",
                    receiver.url("").toString(),
                    "AWS_ACCESS_KEY_ID",
                    "AKIDSECURITYTEST",
                    "AWS_SECRET_ACCESS_KEY",
                    "aws-secret-key-Pp19",
                    "AWS_REGION",
                    "us-east-1",
                    "SLUICE_API_TOKEN",
                    "api-token-Xy66",
                    "SLUICE_READER_PASSWORD",
                    "reader-pass-Lm21"));

            // The failing run, watched from outside as ps would show it.
            Path out = home.resolve("run.out");
            Path err = home.resolve("run.err");
            Process run = SluiceProcess.start(
                    env,
                    out,
                    err,
                    "run",
                    "--pipeline",
                    pipeline.toString(),
                    "--db",
                    db,
                    "--json",
                    "--notify-timeout",
                    "3");
            List<String> commandLines = new ArrayList<>();
            while (run.isAlive()) {
                readCommandLine(run.pid()).ifPresent(commandLines::add);
                Thread.sleep(20);
            }
            assertThat(run.exitValue()).as(Files.readString(err)).isEqualTo(1);
            assertThat(commandLines).isNotEmpty();
            commandLines.forEach(line -> seen.append(line).append('\n'));
            String stdout = Files.readString(out);
            String stderr = Files.readString(err);
            assertThat(stdout).contains("\"status\":\"FAILED\"").contains("INVALID_VALUE");
            assertThat(stderr)
                    .contains("webhook answered HTTP 500")
                    .contains("The security token is invalid")
                    .contains("DEBUG");
            seen.append(stdout).append(stderr);

            SluiceProcess.Result history = SluiceProcess.run(env, "history", "--db", db, "--json");
            assertThat(history.exitCode()).isZero();
            assertThat(history.stdout()).contains("http://***@127.0.0.1").contains("token=***");
            seen.append(history.stdout()).append(history.stderr());

            for (SourceServer.Request post : receiver.allRequests()) {
                seen.append(post.bodyText())
                        .append(post.headers().entrySet().stream()
                                .filter(h -> !h.getKey().equalsIgnoreCase("Authorization"))
                                .toList());
            }
            MimeMessage[] mails = MAIL.getReceivedMessages();
            assertThat(mails).hasSize(1);
            seen.append(GreenMailUtil.getWholeMessage(mails[0]));

            seen.append(serveAndRead(env, pipeline, db));
        }
        for (String secret : SECRETS) {
            assertThat(seen.toString()).as("a secret leaked").doesNotContain(secret);
        }
    }

    private static java.util.Optional<String> readCommandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return java.util.Optional.of(new String(raw, StandardCharsets.UTF_8).replace('\0', ' '));
        } catch (java.io.IOException gone) {
            return java.util.Optional.empty();
        }
    }

    /** Starts serve without --bind, checks it listens on loopback only, and returns every response it gave. */
    private String serveAndRead(Map<String, String> env, Path pipeline, String db) throws Exception {
        Path out = home.resolve("serve.out");
        Path err = home.resolve("serve.err");
        Process serve = SluiceProcess.start(
                env, out, err, "serve", "--pipeline", pipeline.toString(), "--db", db, "--port", "0");
        StringBuilder seen = new StringBuilder();
        try {
            int port = SluiceProcess.awaitPort(serve, out, err);
            assertThat(listeningAddresses(port))
                    .as("addresses listening on port %d", port)
                    .isNotEmpty()
                    .containsOnly("127.0.0.1");
            readCommandLine(serve.pid()).ifPresent(seen::append);
            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of(
                    "/",
                    "/app.js",
                    "/api/pipelines",
                    "/api/runs",
                    "/api/runs/1",
                    "/api/pipelines/covid-us/summary",
                    "/api/pipelines/covid-us/series",
                    "/metrics",
                    "/health/ready")) {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(path).isEqualTo(200);
                seen.append(response.headers().map()).append(response.body());
            }
            assertThat(seen.toString()).contains("\"status\":\"FAILED\"");
            HttpResponse<String> refused = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/pipelines/covid-us/runs"))
                            .header("Authorization", "Bearer api-token-Xy65")
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
            seen.append(refused.body());
        } finally {
            serve.destroy();
            serve.waitFor(60, TimeUnit.SECONDS);
        }
        return seen.append(Files.readString(out)).append(Files.readString(err)).toString();
    }

    /** The local addresses of sockets listening on {@code port}, from the kernel's own tables. */
    private static List<String> listeningAddresses(int port) throws Exception {
        List<String> addresses = new ArrayList<>();
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            // Read once: the table changes as sockets open and close, and two readings can differ in length.
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                String[] local = fields[1].split(":");
                if (local[1].equals(hexPort) && fields[3].equals("0A")) {
                    addresses.add(decode(local[0]));
                }
            }
        }
        return addresses;
    }

    /**
     * /proc/net/tcp writes IPv4 addresses as little-endian hex; IPv6 ones are 32 hex digits, and an IPv4 address
     * mapped into IPv6 (::ffff:a.b.c.d) ends with the IPv4 one.
     */
    private static String decode(String hex) {
        if (hex.length() == 32 && hex.startsWith("0000000000000000FFFF0000")) {
            return decode(hex.substring(24));
        }
        if (hex.length() == 8) {
            long value = Long.parseLong(hex, 16);
            return (value & 0xFF) + "." + (value >> 8 & 0xFF) + "." + (value >> 16 & 0xFF) + "." + (value >> 24 & 0xFF);
        }
        return hex.equals("00000000000000000000000001000000") ? "::1" : "[" + hex + "]";
    }
}
