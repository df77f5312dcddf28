package dev.sluice.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testing.CapturedLogs;
import dev.sluice.testing.SecretsManagerEndpoint;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets through the real AWS SDK client against a loopback Secrets Manager: the database's credentials (RDS's
 * secret shape) on a server that checks passwords, their rotation, and {@code {aws_secret: ARN, key: FIELD}} in a
 * pipeline file. No value ever shows in a log, an answer or an error.
 */
class SecretsManagerIT {
    private static final String DB_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sluice-db-AbCdEf";
    private static final String HOOK_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hooks-XyZ123";
    private static final String READER_SECRET =
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sluice-reader-GhIjKl";
    private static final String ROLE = "sluice_app";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedPostgres postgres;
    private static int databases;

    @TempDir
    Path home;

    private final SecretsManagerEndpoint secrets = new SecretsManagerEndpoint();
    private final SourceServer server = new SourceServer();
    private final CapturedLogs logs = new CapturedLogs();
    private String database;
    private String password;
    private Map<String, String> environment;
    private ScheduledRunHandler handler;

    /** A server of this test's own that checks the application role's password (zonky's trusts everyone). */
    @BeforeAll
    static void startPasswordCheckingServer() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery("show hba_file");
            rs.next();
            Path hba = Path.of(rs.getString(1));
            Files.writeString(
                    hba,
                    "host all " + ROLE + ",sluice_reader 127.0.0.1/32 scram-sha-256\nhost all " + ROLE
                            + ",sluice_reader ::1/128 scram-sha-256\n" + Files.readString(hba));
            st.execute("select pg_reload_conf()");
        }
    }

    @AfterAll
    static void stopServer() throws IOException {
        postgres.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        database = "secrets_" + (++databases);
        password = randomPassword();
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement st = c.createStatement()) {
            st.execute("drop role if exists sluice_reader");
            st.execute("drop role if exists " + ROLE);
            // As RDS's generated owner: it may create the dashboard's role and set its password.
            st.execute("create role " + ROLE + " login createrole password '" + password + "'");
            st.execute("create database " + database + " owner " + ROLE);
        }
        server.script("/nyt.csv", SourceServer.body(SourceServer.read(SharedData.nyt("2022-04-19"))))
                .script("/jhu.csv", SourceServer.body(SourceServer.read(SharedData.jhu("2021-02-01"))));
        Path pipeline = home.resolve("covid-us.yaml");
        Files.writeString(pipeline, server.covidUsPipeline());
        environment = new HashMap<>(Map.of(
                "SLUICE_HOME",
                home.resolve("home").toString(),
                "SLUICE_PIPELINES",
                pipeline.toString(),
                "SLUICE_DB_SECRET_ARN",
                DB_SECRET,
                "SLUICE_SECRETS_MANAGER_ENDPOINT",
                secrets.url().toString(),
                "SLUICE_DB_CONNECT_TIMEOUT",
                "2s",
                "AWS_REGION",
                "eu-west-1",
                "AWS_ACCESS_KEY_ID",
                "AKIDSECRETSTEST",
                "AWS_SECRET_ACCESS_KEY",
                "aws-secret-key-do-not-log"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (handler != null) {
            handler.close();
        }
        logs.close();
        server.close();
        secrets.close();
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement st = c.createStatement()) {
            st.execute("drop database if exists " + database + " with (force)");
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return "pw-" + HexFormat.of().formatHex(bytes);
    }

    private String secretWith(String pass) {
        return SecretsManagerEndpoint.databaseSecret("127.0.0.1", postgres.getPort(), database, ROLE, pass);
    }

    private JsonNode invoke(String event) throws IOException {
        handler = handler == null ? new ScheduledRunHandler(environment, Clock.systemUTC()) : handler;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(
                new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, LambdaContext.lasting(60_000));
        return JSON.readTree(out.toByteArray());
    }

    @Test
    void the_database_credentials_come_from_the_secret_and_a_refused_password_is_read_again_once() throws Exception {
        String stale = randomPassword(); // what the secret held before a rotation
        secrets.put(DB_SECRET, secretWith(stale), secretWith(password));

        JsonNode run = invoke(ScheduledRunHandlerIT.SCHEDULED_EVENT);

        assertThat(run.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(secrets.requests(DB_SECRET)).hasSize(2).allSatisfy(request -> {
            assertThat(request.target()).isEqualTo("secretsmanager.GetSecretValue");
            // Signed by the SDK, for this region and service, with the function's key id only.
            assertThat(request.authorization())
                    .startsWith("AWS4-HMAC-SHA256 Credential=AKIDSECRETSTEST/")
                    .contains("/eu-west-1/secretsmanager/aws4_request");
        });
        assertThat(query("select count(*) from covid_us_daily"))
                .isEqualTo(String.valueOf(ScheduledRunHandlerIT.NYT_ROWS));
        assertThat(query("select count(*) from sluice.runs where status = 'SUCCEEDED'"))
                .isEqualTo("1");
        assertThat(logs.text() + run).doesNotContain(password).doesNotContain(stale);
    }

    @Test
    void a_warm_function_reads_the_secret_once_and_again_after_a_rotation() throws Exception {
        secrets.put(DB_SECRET, secretWith(password));
        invoke(ScheduledRunHandlerIT.SCHEDULED_EVENT);
        String rotated = randomPassword();
        secrets.put(DB_SECRET, secretWith(rotated));
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement st = c.createStatement()) {
            st.execute("alter role " + ROLE + " password '" + rotated + "'");
            // The rotation's end: sessions on the old password are gone, so the pool must connect anew.
            st.execute("select pg_terminate_backend(pid) from pg_stat_activity where usename = '" + ROLE + "'");
        }
        Thread.sleep(1_000); // past the pool's half second of trust in a connection it just lent

        JsonNode run = invoke("{\"pipeline\": \"covid-us\", \"force\": true}");

        assertThat(run.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(secrets.requests(DB_SECRET)).hasSize(2);
        assertThat(logs.text() + run).doesNotContain(password).doesNotContain(rotated);
    }

    @Test
    void credentials_refused_twice_fail_the_invocation_naming_the_user_never_the_password() {
        String wrong = randomPassword();
        String alsoWrong = randomPassword();
        secrets.put(DB_SECRET, secretWith(wrong), secretWith(alsoWrong));

        assertThatThrownBy(() -> invoke(ScheduledRunHandlerIT.SCHEDULED_EVENT))
                .hasMessageContaining("DATABASE")
                .hasMessageContaining("password authentication failed for user \"" + ROLE + "\"")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong).doesNotContain(alsoWrong));
        assertThat(secrets.requests(DB_SECRET)).hasSize(2);
        assertThat(logs.text()).doesNotContain(wrong).doesNotContain(alsoWrong);
    }

    @Test
    void a_secret_that_does_not_exist_fails_naming_it_and_secrets_managers_error() {
        assertThatThrownBy(() -> invoke(ScheduledRunHandlerIT.SCHEDULED_EVENT))
                .hasMessageContaining("Secrets Manager refused " + DB_SECRET)
                .hasMessageContaining("ResourceNotFoundException");
    }

    @Test
    void a_pipeline_file_reads_a_lent_secrets_field_and_no_other_secret() throws Exception {
        secrets.put(DB_SECRET, secretWith(password));
        String token = "T0KEN" + randomPassword();
        server.script("/hooks/" + token, SourceServer.status(200));
        secrets.put(
                HOOK_SECRET,
                JSON.createObjectNode()
                        .put("url", server.url("/hooks/" + token).toString())
                        .toString());
        Path pipeline = home.resolve("covid-us.yaml");
        Files.writeString(
                pipeline,
                Files.readString(pipeline)
                        + "\nnotifications:\n  - name: ops\n    type: webhook\n    url: {aws_secret: " + HOOK_SECRET
                        + ", key: url}\n");
        environment.put("SLUICE_PLAINTEXT_HOSTS", "127.0.0.1");

        assertThatThrownBy(() -> invoke(ScheduledRunHandlerIT.SCHEDULED_EVENT))
                .hasMessageContaining("SLUICE_SECRET_ARNS");
        assertThat(secrets.requests(HOOK_SECRET)).isEmpty(); // not lent: never even read
        handler.close();
        handler = null;

        environment.put("SLUICE_SECRET_ARNS", HOOK_SECRET);
        JsonNode run = invoke(ScheduledRunHandlerIT.SCHEDULED_EVENT);

        assertThat(run.get("status").asText()).isEqualTo("SUCCEEDED");
        // The run's notification, and one per late source (the shared files end in 2020-2022).
        assertThat(server.requests("/hooks/" + token)).hasSize(3);
        assertThat(run.get("notifications").get(0).get("status").asText()).isEqualTo("DELIVERED");
        assertThat(logs.text() + run).doesNotContain(token);
    }

    @Test
    void the_function_gives_the_dashboard_role_its_secret_and_a_dashboard_alone_reads_with_it_only() throws Exception {
        secrets.put(DB_SECRET, secretWith(password));
        String readerPassword = randomPassword();
        secrets.put(
                READER_SECRET,
                JSON.createObjectNode().put("password", readerPassword).toString());
        environment.put("SLUICE_READER_SECRET_ARN", READER_SECRET);

        assertThat(invoke(ScheduledRunHandlerIT.SCHEDULED_EVENT).get("status").asText())
                .isEqualTo("SUCCEEDED");
        invoke("{\"pipeline\": \"covid-us\"}"); // a warm invocation: the role's password is set once
        assertThat(secrets.requests(READER_SECRET)).hasSize(1);

        String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database;
        try (Connection reader = java.sql.DriverManager.getConnection(url, "sluice_reader", readerPassword);
                Statement st = reader.createStatement();
                ResultSet rs = st.executeQuery("select count(*) from covid_us_daily")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(ScheduledRunHandlerIT.NYT_ROWS);
        }
        assertThatThrownBy(() -> java.sql.DriverManager.getConnection(url, "sluice_reader", randomPassword()))
                .hasMessageContaining("password authentication failed");
        // The server keeps a SCRAM verifier, never the password.
        assertThat(query("select rolpassword from pg_authid where rolname = 'sluice_reader'"))
                .startsWith("SCRAM-SHA-256$")
                .doesNotContain(readerPassword);

        // The dashboard on its own: the database's URL and the reader's secret, no owner credentials at all.
        Map<String, String> dashboardEnv = new HashMap<>(Map.of(
                "SLUICE_HOME",
                home.resolve("dashboard").toString(),
                "SLUICE_DB_URL",
                url,
                "SLUICE_READER_SECRET_ARN",
                READER_SECRET,
                "SLUICE_SECRETS_MANAGER_ENDPOINT",
                secrets.url().toString(),
                "AWS_REGION",
                "eu-west-1",
                "AWS_ACCESS_KEY_ID",
                "AKIDDASHBOARD",
                "AWS_SECRET_ACCESS_KEY",
                "dashboard-secret-key"));
        dev.sluice.app.Wiring wiring = new dev.sluice.app.Wiring(
                dev.sluice.settings.Settings.read(dashboardEnv, home, home),
                Clock.systemUTC(),
                dev.sluice.Sleeper.REAL,
                new SecureRandom());
        java.util.List<dev.sluice.config.PipelineSpec> specs = java.util.List.of(
                wiring.readPipeline(home.resolve("covid-us.yaml").toString()));
        try (com.zaxxer.hikari.HikariDataSource reader = wiring.readerOnly(java.util.Optional.empty());
                dev.sluice.web.DashboardServer web = wiring.dashboardOnly(
                                () -> dev.sluice.config.ServedPipelines.of(specs), reader)
                        .start("127.0.0.1", 0)) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + web.port();
            var ready = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/health/ready"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            var runs = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/runs"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(runs.body())).hasSize(2);
            var runNow = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/pipelines/covid-us/runs"))
                            .header("Authorization", "Bearer anything")
                            .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(runNow.statusCode()).isEqualTo(403);
            assertThat(query("select string_agg(distinct usename, ',') from pg_stat_activity where"
                            + " application_name like 'sluice-%-web'"))
                    .isEqualTo("sluice_reader");
        }
        assertThat(secrets.requests(DB_SECRET)).hasSize(1); // the dashboard never asked for the owner's secret
        assertThat(logs.text()).doesNotContain(readerPassword).doesNotContain(password);
    }

    private String query(String sql) throws SQLException {
        try (Connection c = postgres.getDatabase("postgres", database).getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
