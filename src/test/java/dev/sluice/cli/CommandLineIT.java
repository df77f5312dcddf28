package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testing.Packing;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SluiceProcess;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as scripts use it: a separate process, its stdout, stderr and exit code. */
class CommandLineIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> RUN_FIELDS = List.of(
            "runId",
            "pipeline",
            "status",
            "inserted",
            "updated",
            "unchanged",
            "durationMs",
            "sources",
            "warnings",
            "error");

    @TempDir
    Path home;

    private SourceServer server;
    private String db;
    private Map<String, String> env;

    @BeforeEach
    void start() {
        server = new SourceServer();
        server.serveFile("/nyt.csv", SharedData.nyt("2022-04-19")).serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
        db = TestDatabase.createDatabase();
        env = Map.of("SLUICE_HOME", home.toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String[] run(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "run",
                "--db",
                db,
                "--source",
                "nyt=" + server.url("/nyt.csv"),
                "--source",
                "jhu=" + server.url("/jhu.csv")));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void run_json_prints_exactly_one_object_on_stdout_and_logs_on_stderr() throws Exception {
        SluiceProcess.Result result = SluiceProcess.run(env, run("--json"));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout().strip().lines()).hasSize(1);
        JsonNode json = JSON.readTree(result.stdout());
        assertThat(json.isObject()).isTrue();
        RUN_FIELDS.forEach(field -> assertThat(json.has(field)).as(field).isTrue());
        assertThat(json.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(json.get("inserted").asLong()).isEqualTo(820);
        assertThat(json.get("error").isNull()).isTrue();
        JsonNode nyt = json.get("sources").get("nyt");
        for (String field : List.of("url", "rows", "bytes", "sha256", "notModified")) {
            assertThat(nyt.has(field)).as(field).isTrue();
        }
        assertThat(nyt.get("sha256").asText()).startsWith("da238f87560a1d35");
        assertThat(result.stderr()).contains("820 inserted");

        SluiceProcess.Result again = SluiceProcess.run(env, run("--json"));
        assertThat(again.exitCode()).isZero();
        assertThat(JSON.readTree(again.stdout()).get("status").asText()).isEqualTo("UNCHANGED");
    }

    @Test
    void a_failed_run_exits_1_with_the_error_in_the_json() throws Exception {
        server.script(
                "/nyt.csv", SourceServer.body("date,cases,deaths\n2020-01-21,-1,0\n".getBytes(StandardCharsets.UTF_8)));
        SluiceProcess.Result result = SluiceProcess.run(env, run("--json"));

        assertThat(result.exitCode()).isEqualTo(1);
        JsonNode error = JSON.readTree(result.stdout()).get("error");
        assertThat(error.get("kind").asText()).isEqualTo("INVALID_VALUE");
        assertThat(error.get("source").asText()).isEqualTo("nyt");
        assertThat(error.get("line").asLong()).isEqualTo(2);
        assertThat(error.get("column").asText()).isEqualTo("cases");
        assertThat(error.get("value").asText()).isEqualTo("-1");
        assertThat(error.get("message").asText()).contains("below the minimum 0");
    }

    @Test
    void configuration_errors_exit_2_and_name_the_file_line_and_field() throws Exception {
        Path file = home.resolve("bad.yaml");
        Files.writeString(file, "name: bad\nsources:\n  - name: a\n    url: gopher://x\n");
        SluiceProcess.Result check = SluiceProcess.run(env, "check", "--pipeline", file.toString());
        assertThat(check.exitCode()).isEqualTo(2);
        assertThat(check.stderr()).contains(file + ":4: sources[0].url: must start with https:, http:, s3: or file:");

        SluiceProcess.Result unknownSource = SluiceProcess.run(env, "run", "--db", db, "--source", "nty=/tmp/x.csv");
        assertThat(unknownSource.exitCode()).isEqualTo(2);
        assertThat(unknownSource.stderr()).contains("unknown source 'nty'");

        SluiceProcess.Result usage = SluiceProcess.run(env, "run", "--no-such-option");
        assertThat(usage.exitCode()).isEqualTo(2);
    }

    @Test
    void run_delivers_its_notifications_before_it_exits_and_reports_their_state() throws Exception {
        try (SourceServer receiver = new SourceServer()) {
            receiver.script("/hook", SourceServer.status(200));
            Map<String, String> withWebhook = Map.of(
                    "SLUICE_HOME",
                    home.toString(),
                    "SLUICE_PLAINTEXT_HOSTS",
                    "127.0.0.1",
                    "SLUICE_WEBHOOK_URL",
                    receiver.url("/hook").toString());
            SluiceProcess.Result result = SluiceProcess.run(withWebhook, run("--json"));

            assertThat(result.exitCode()).isZero();
            assertThat(receiver.requests("/hook")).hasSize(1);
            JsonNode delivery =
                    JSON.readTree(result.stdout()).get("notifications").get(0);
            assertThat(delivery.get("channel").asText()).isEqualTo("env-webhook");
            assertThat(delivery.get("status").asText()).isEqualTo("DELIVERED");
            assertThat(result.stdout() + result.stderr())
                    .doesNotContain(receiver.url("/hook").toString());
        }
    }

    @Test
    void a_channel_that_is_down_delays_the_exit_by_the_notify_timeout_at_most_and_keeps_the_run_a_success()
            throws Exception {
        try (SourceServer receiver = new SourceServer()) {
            receiver.script("/hook", SourceServer.status(503));
            Map<String, String> withWebhook = Map.of(
                    "SLUICE_HOME",
                    home.toString(),
                    "SLUICE_PLAINTEXT_HOSTS",
                    "127.0.0.1",
                    "SLUICE_WEBHOOK_URL",
                    receiver.url("/hook").toString());
            long started = System.nanoTime();
            SluiceProcess.Result result = SluiceProcess.run(withWebhook, run("--json", "--notify-timeout", "3"));
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;

            assertThat(result.exitCode()).isZero();
            assertThat(seconds).isLessThan(20);
            JsonNode json = JSON.readTree(result.stdout());
            assertThat(json.get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(json.get("notifications").get(0).get("status").asText()).isEqualTo("PENDING");
            assertThat(json.get("notifications").get(0).get("lastError").asText())
                    .isEqualTo("env-webhook: webhook answered HTTP 503");
            SluiceProcess.Result history = SluiceProcess.run(withWebhook, "history", "--db", db);
            assertThat(history.stdout()).contains("NOTIFICATIONS").contains("env-webhook PENDING x");
        }
    }

    @Test
    void notify_test_sends_a_sample_through_each_channel_and_says_what_happened() throws Exception {
        try (SourceServer receiver = new SourceServer()) {
            receiver.script("/hook", SourceServer.status(200));
            Map<String, String> withWebhook = Map.of(
                    "SLUICE_HOME",
                    home.toString(),
                    "SLUICE_PLAINTEXT_HOSTS",
                    "127.0.0.1",
                    "SLUICE_WEBHOOK_URL",
                    receiver.url("/hook").toString());
            SluiceProcess.Result ok = SluiceProcess.run(withWebhook, "notify", "test");
            assertThat(ok.exitCode()).isZero();
            assertThat(ok.stdout()).contains("env-webhook: delivered");
            JsonNode body = JSON.readTree(receiver.requests("/hook").get(0).body());
            assertThat(body.get("test").asBoolean()).isTrue();

            receiver.script("/hook", SourceServer.status(401));
            SluiceProcess.Result failed = SluiceProcess.run(withWebhook, "notify", "test", "--channel", "env-webhook");
            assertThat(failed.exitCode()).isEqualTo(1);
            assertThat(failed.stdout()).contains("env-webhook: FAILED: env-webhook: webhook answered HTTP 401");

            SluiceProcess.Result unknown = SluiceProcess.run(withWebhook, "notify", "test", "--channel", "pager");
            assertThat(unknown.exitCode()).isEqualTo(2);
        }
    }

    @Test
    void an_unreachable_database_exits_1_with_a_clear_message_that_never_shows_the_password() {
        SluiceProcess.Result result = SluiceProcess.run(
                env, "run", "--db", "jdbc:postgresql://127.0.0.1:1/sluice?user=etl&password=s3cr3t-pw");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr())
                .contains("cannot connect to the database at jdbc:postgresql://127.0.0.1:1/sluice")
                .contains("password=***");
        assertThat(result.stdout() + result.stderr()).doesNotContain("s3cr3t-pw");
    }

    @Test
    void check_validates_the_bundled_pipeline_and_shows_its_target() {
        SluiceProcess.Result check = SluiceProcess.run(env, "check");
        assertThat(check.exitCode()).isZero();
        assertThat(check.stdout())
                .contains("pipeline covid-us is valid")
                .contains("create table if not exists \"public\".\"covid_us_daily\"");
    }

    @Test
    void a_run_started_while_another_holds_the_lock_exits_3() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        server.script(
                "/nyt.csv",
                SourceServer.gated(entered, gate, SourceServer.body(SourceServer.read(SharedData.nyt("2022-04-19")))));
        Path out = Files.createTempFile(home, "first", ".out");
        Process first = SluiceProcess.start(env, out, home.resolve("first.err"), run("--json"));
        assertThat(entered.await(60, TimeUnit.SECONDS)).isTrue();

        SluiceProcess.Result second = SluiceProcess.run(env, run("--json"));
        gate.countDown();

        assertThat(second.exitCode()).isEqualTo(3);
        assertThat(JSON.readTree(second.stdout()).get("status").asText()).isEqualTo("SKIPPED_LOCKED");
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).isZero();
    }

    @Test
    void history_json_lists_the_same_run_objects_newest_first() throws Exception {
        SluiceProcess.run(env, run());
        SluiceProcess.run(env, run());
        SluiceProcess.Result history = SluiceProcess.run(env, "history", "--db", db, "--json");

        assertThat(history.exitCode()).isZero();
        JsonNode runs = JSON.readTree(history.stdout());
        assertThat(runs.size()).isEqualTo(2);
        assertThat(runs.get(0).get("status").asText()).isEqualTo("UNCHANGED");
        assertThat(runs.get(1).get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(runs.get(0).get("runId").asLong())
                .isGreaterThan(runs.get(1).get("runId").asLong());
        RUN_FIELDS.forEach(field -> assertThat(runs.get(0).has(field)).as(field).isTrue());
    }

    @Test
    void without_a_database_url_an_embedded_database_persists_under_sluice_home() throws Exception {
        String[] args = {
            "run",
            "--json",
            "--source",
            "nyt=" + SharedData.nyt("2022-04-19"),
            "--source",
            "jhu=" + SharedData.jhu("2021-02-01")
        };
        SluiceProcess.Result first = SluiceProcess.run(env, args);
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        assertThat(JSON.readTree(first.stdout()).get("inserted").asLong()).isEqualTo(820);
        assertThat(home.resolve("pg").resolve("PG_VERSION")).exists();

        SluiceProcess.Result second = SluiceProcess.run(env, args);
        assertThat(JSON.readTree(second.stdout()).get("status").asText()).isEqualTo("UNCHANGED");
        assertThat(home.resolve("pg").resolve("postmaster.pid"))
                .as("the server stops with the process")
                .doesNotExist();
        // PostgreSQL keeps the options of its last start: commits are durable, not zonky's asynchronous default.
        assertThat(Files.readString(home.resolve("pg").resolve("postmaster.opts")))
                .contains("synchronous_commit=on");
    }

    /** The promise, as a new user types it: init from a URL, check, run; the table is the file's rows. */
    @Test
    void init_writes_a_pipeline_file_that_check_accepts_and_run_loads_as_it_is() throws Exception {
        String csv = "Date;Exchange rate;Country\n01/02/2021;1,2345;Japan\n01/02/2021;0,8765;Germany\n"
                + "02/02/2021;1,2400;Japan\n02/02/2021;NA;Germany\n";
        server.script("/rates.csv.gz", SourceServer.body(Packing.gzip(csv)));
        Path pipeline = home.resolve("rates.yaml");

        SluiceProcess.Result init = SluiceProcess.run(
                env,
                "init",
                server.url("/rates.csv.gz").toString(),
                "--name",
                "fx-rates",
                "--out",
                pipeline.toString());
        assertThat(init.exitCode()).as(init.stderr()).isZero();
        assertThat(init.stdout())
                .contains("delimiter ';'")
                .contains("Date: date (dd/MM/yyyy); every value reads as MM/dd/yyyy too")
                .contains("Exchange rate: decimal, with a decimal comma (the file writes decimals so")
                .contains("group could be); 'NA' as no value")
                .contains("key: date, country (unique over 4 rows)");
        assertThat(Files.readString(pipeline))
                .contains("{ header: \"Exchange rate\", as: exchange_rate, type: decimal")
                .contains("table: fx_rates");

        SluiceProcess.Result check = SluiceProcess.run(env, "check", "--pipeline", pipeline.toString());
        assertThat(check.exitCode()).as(check.stderr()).isZero();
        SluiceProcess.Result run =
                SluiceProcess.run(env, "run", "--pipeline", pipeline.toString(), "--db", db, "--json");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(JSON.readTree(run.stdout()).get("inserted").asLong()).isEqualTo(4);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db);
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery(
                        "select date::text, country, exchange_rate::text from fx_rates order by date, country")) {
            List<String> rows = new java.util.ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
            assertThat(rows)
                    .containsExactly(
                            "2021-02-01 Germany 0.8765",
                            "2021-02-01 Japan 1.2345",
                            "2021-02-02 Germany null",
                            "2021-02-02 Japan 1.2400");
        }
        SluiceProcess.Result again =
                SluiceProcess.run(env, "init", server.url("/rates.csv.gz").toString(), "--out", pipeline.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.stderr()).contains("exists; choose another --out, or add --force");
    }

    /** check --db says what a run would change; history --rejected lists what a run quarantined. */
    @Test
    void check_with_a_database_plans_the_schema_and_history_lists_quarantined_rows() throws Exception {
        server.script(
                "/readings.csv",
                SourceServer.body("id,v\n1,10\n2,x\n3,30\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Path pipeline = home.resolve("readings.yaml");
        String yaml = """
                name: readings
                invalid_rows: quarantine
                max_invalid: 50%%
                sources:
                  - name: readings
                    url: %s
                    key: [id]
                    columns:
                      - { header: id, type: integer }
                      - { header: v, type: integer }
                target: { table: readings, mode: mirror }
                """.formatted(server.url("/readings.csv"));
        Files.writeString(pipeline, yaml);
        SluiceProcess.Result fresh = SluiceProcess.run(env, "check", "--pipeline", pipeline.toString(), "--db", db);
        assertThat(fresh.exitCode()).as(fresh.stderr()).isZero();
        assertThat(fresh.stdout())
                .contains("mode: mirror: the table becomes exactly the latest publication")
                .contains("guards: max_row_drop 10%")
                .contains("schema: the table does not exist; a run creates it");

        SluiceProcess.Result run =
                SluiceProcess.run(env, "run", "--pipeline", pipeline.toString(), "--db", db, "--json");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        long id = JSON.readTree(run.stdout()).get("runId").asLong();
        SluiceProcess.Result rejected =
                SluiceProcess.run(env, "history", "--db", db, "--run", String.valueOf(id), "--rejected");
        assertThat(rejected.exitCode()).as(rejected.stderr()).isZero();
        assertThat(rejected.stdout()).isEqualTo("readings line 3, column v: 'x' is not a whole number\n    2,x\n");

        Files.writeString(
                pipeline,
                yaml.replace(
                        "      - { header: v, type: integer }",
                        "      - { header: v, type: integer }\n      - { header: w, type: integer, required: false }"));
        SluiceProcess.Result planned = SluiceProcess.run(env, "check", "--pipeline", pipeline.toString(), "--db", db);
        assertThat(planned.stdout())
                .contains("schema: a run would: alter table \"public\".\"readings\" add column \"w\" bigint");
    }
}
