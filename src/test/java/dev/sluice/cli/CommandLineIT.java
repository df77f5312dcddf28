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
        assertThat(check.stderr())
                .contains(file + ":4: sources[0].url: must start with https:, http:, s3:, sftp: or file:");

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
            // The run's notification, then the bundled pipeline's expect: judging the shared 2020-2022 files late
            // today: one LATE notification per source, told once.
            assertThat(receiver.requests("/hook").stream()
                            .map(r -> r.header("X-sluice-delivery"))
                            .toList())
                    .containsExactly(
                            "sluice-covid-us-run-1-env-webhook",
                            "sluice-covid-us-feed-1-env-webhook",
                            "sluice-covid-us-feed-2-env-webhook");
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
    void check_validates_the_bundled_pipeline_and_plans_it_against_the_database_a_run_would_use() {
        // No --db and no SLUICE_DB_URL: the embedded database a run would start, not one given by its port.
        SluiceProcess.Result check = SluiceProcess.run(env, "check");
        assertThat(check.exitCode()).as(check.stderr()).isZero();
        assertThat(check.stdout())
                .contains("pipeline covid-us is valid")
                .contains("create table if not exists \"public\".\"covid_us_daily\"")
                .contains("schema: the table does not exist; a run creates it");
        assertThat(Files.isDirectory(home.resolve("pg")))
                .as("the embedded database under SLUICE_HOME")
                .isTrue();

        SluiceProcess.Result fileOnly = SluiceProcess.run(env, "check", "--no-db");
        assertThat(fileOnly.exitCode()).isZero();
        assertThat(fileOnly.stdout()).contains("pipeline covid-us is valid").doesNotContain("schema:");
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

    /** The issue's promise, as a new user types it: init from a URL, check, run; the table is the file's rows. */
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

        SluiceProcess.Result check = SluiceProcess.run(env, "check", "--pipeline", pipeline.toString(), "--db", db);
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
        assertThat(planned.exitCode()).isZero();

        Files.writeString(pipeline, yaml.replace("{ header: v, type: integer }", "{ header: v, type: date }"));
        SluiceProcess.Result failing = SluiceProcess.run(env, "check", "--pipeline", pipeline.toString(), "--db", db);
        assertThat(failing.stdout())
                .contains("schema: a run would fail: ")
                .contains("column v is bigint; the pipeline loads date");
        assertThat(failing.exitCode()).as("a plan that fails is a failed check").isEqualTo(1);

        // A run that quarantined rows says how to see them; history --run shows the run and its changes.
        Files.writeString(pipeline, yaml);
        server.script(
                "/readings.csv",
                SourceServer.body("id,v\n1,11\n2,y\n4,40\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        SluiceProcess.Result second = SluiceProcess.run(env, "run", "--pipeline", pipeline.toString(), "--db", db);
        assertThat(second.exitCode()).as(second.stderr()).isZero();
        String secondId = second.stdout().replaceAll("(?s)^run=(\\d+) .*", "$1");
        assertThat(second.stdout()).startsWith("run=" + secondId + " ").contains("inserted=1 updated=1 deleted=1");
        assertThat(second.stderr())
                .contains("next: sluice history --run " + secondId + " --rejected    # the rows set aside, and why");

        SluiceProcess.Result shown = SluiceProcess.run(env, "history", "--db", db, "--run", secondId);
        assertThat(shown.exitCode()).as(shown.stderr()).isZero();
        // The file's rows by hand: 1 changed 10 -> 11, 3 dropped (mirror deletes it), 4 new; 2 quarantined again.
        assertThat(shown.stdout())
                .contains("run " + secondId + ": readings SUCCEEDED")
                .contains("rows: 1 inserted, 1 updated, 1 deleted, 0 unchanged")
                .contains("warning: readings: quarantined 1 invalid rows of 3")
                .contains("INSERT {\"id\":4}")
                .contains("UPDATE {\"id\":1}: v 10 -> 11")
                .contains("DELETE {\"id\":3}: was {");
        SluiceProcess.Result list = SluiceProcess.run(env, "history", "--db", db, "--pipeline", "readings");
        assertThat(list.stdout().lines().findFirst().orElseThrow()).contains("DELETED");
    }

    @Test
    void every_command_answers_help_with_an_example_and_exits_0() {
        for (String command :
                List.of("run", "history", "check", "init", "migrate", "serve", "demo", "completion", "notify test")) {
            String[] words = command.split(" ");
            List<String> args = new java.util.ArrayList<>(List.of(words));
            args.add("--help");
            SluiceProcess.Result help = SluiceProcess.run(env, args.toArray(String[]::new));
            assertThat(help.exitCode())
                    .as(command + " --help: " + help.stderr())
                    .isZero();
            assertThat(help.stdout())
                    .as(command)
                    .contains("Usage: sluice " + command)
                    .contains("Example");

            if (words.length == 1) {
                assertThat(SluiceProcess.run(env, "help", command).stdout())
                        .as("sluice help " + command)
                        .isEqualTo(help.stdout());
            }
        }
    }

    @Test
    void version_names_the_commit_it_was_built_from() throws Exception {
        Process git = new ProcessBuilder("git", "rev-parse", "HEAD").start();
        String head = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(git.waitFor()).isZero();

        SluiceProcess.Result version = SluiceProcess.run(env, "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.stdout()).startsWith("sluice 0.1.0");
        String commit = version.stdout().replaceAll("(?s).*built from commit ([0-9a-f]+).*", "$1");
        assertThat(commit).hasSizeGreaterThanOrEqualTo(7);
        assertThat(head).as("the commit the tests run on").startsWith(commit);
        assertThat(SluiceProcess.run(env, "run", "--version").stdout()).isEqualTo(version.stdout());
    }

    @Test
    void completion_scripts_complete_every_command() {
        for (String shell : List.of("bash", "zsh")) {
            SluiceProcess.Result script = SluiceProcess.run(env, "completion", shell);
            assertThat(script.exitCode()).isZero();
            assertThat(script.stdout()).contains("complete -F").contains("bashcompinit");
            for (String command : List.of("run", "history", "check", "init", "migrate", "serve", "demo", "notify")) {
                assertThat(script.stdout()).as(shell).contains(command);
            }
        }
        assertThat(SluiceProcess.run(env, "completion", "fish").exitCode()).isEqualTo(2);
    }

    /** psql's forms of a database address reach the same database as the JDBC URL. */
    @Test
    void libpq_uris_and_key_value_strings_are_database_addresses() throws Exception {
        java.net.URI jdbc = java.net.URI.create(db.substring("jdbc:".length()));
        String database = jdbc.getPath().substring(1);
        String uri = "postgres://postgres@" + jdbc.getHost() + ":" + jdbc.getPort() + "/" + database;
        SluiceProcess.Result result = SluiceProcess.run(
                env,
                "run",
                "--db",
                uri,
                "--source",
                "nyt=" + server.url("/nyt.csv"),
                "--source",
                "jhu=" + server.url("/jhu.csv"),
                "--json");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        long id = JSON.readTree(result.stdout()).get("runId").asLong();

        String keywords =
                "host=" + jdbc.getHost() + " port=" + jdbc.getPort() + " dbname='" + database + "'" + " user=postgres";
        SluiceProcess.Result history = SluiceProcess.run(env, "history", "--db", keywords, "--json");
        assertThat(history.exitCode()).as(history.stderr()).isZero();
        assertThat(JSON.readTree(history.stdout()).get(0).get("runId").asLong()).isEqualTo(id);
    }

    /** A mistake is said in one line with what to do, and its exit code; a stack trace only at DEBUG. */
    @Test
    void user_mistakes_are_said_in_one_line_with_their_exit_code() throws Exception {
        record Mistake(List<String> args, Map<String, String> env, int exitCode, String message) {}
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String port = String.valueOf(taken.getLocalPort());
            String inUse = "port " + port + " on 127.0.0.1 is in use";
            List<Mistake> mistakes = List.of(
                    new Mistake(
                            List.of("run", "--db", "postgres://etl:hunter2@127.0.0.1:1/sales"),
                            Map.of("SLUICE_DB_CONNECT_TIMEOUT", "2s"),
                            1,
                            "cannot connect to the database at jdbc:postgresql://127.0.0.1:1/sales"),
                    new Mistake(
                            List.of("history", "--db", "mysql://etl:hunter2@db/sales"),
                            Map.of(),
                            2,
                            "the database address is not a PostgreSQL address"),
                    new Mistake(
                            List.of("run", "--db", "jdbc:mysql://db/sales?password=hunter2"),
                            Map.of(),
                            2,
                            "is a JDBC URL of another database"),
                    new Mistake(
                            List.of("history"),
                            Map.of("SLUICE_DB_URL", "host=/tmp dbname=x password=hunter2"),
                            2,
                            "SLUICE_DB_URL: the database address names a Unix socket"),
                    new Mistake(List.of("serve", "--port", port), Map.of(), 2, inUse),
                    new Mistake(List.of("demo", "--port", port), Map.of(), 2, inUse),
                    new Mistake(List.of("run", "--pipeline", "no-such.yaml"), Map.of(), 2, "no such file"),
                    new Mistake(List.of("history", "--rejected"), Map.of(), 2, "--rejected needs --run ID"),
                    new Mistake(List.of("run", "--no-such-option"), Map.of(), 2, "Unknown option"),
                    new Mistake(List.of("history"), Map.of("SLUICE_DB_POOL_SIZE", "many"), 2, "SLUICE_DB_POOL_SIZE"));
            for (Mistake mistake : mistakes) {
                Map<String, String> withEnv = new java.util.HashMap<>(env);
                withEnv.putAll(mistake.env());
                SluiceProcess.Result result =
                        SluiceProcess.run(withEnv, mistake.args().toArray(String[]::new));
                String said = result.stdout() + result.stderr();
                assertThat(result.exitCode()).as(mistake.args() + ": " + said).isEqualTo(mistake.exitCode());
                assertThat(result.stderr()).as(mistake.args().toString()).contains(mistake.message());
                assertThat(said)
                        .as(mistake.args() + ": no stack trace, no secret")
                        .doesNotContain("\tat ")
                        .doesNotContain("Exception")
                        .doesNotContain("hunter2");
                if (mistake.args().get(0).equals("demo")) {
                    assertThat(said)
                            .as("the port is checked before the demo's days")
                            .doesNotContain("day 1");
                }
            }
        }
        SluiceProcess.Result unrecorded = SluiceProcess.run(
                Map.of("SLUICE_HOME", home.toString(), "SLUICE_DB_CONNECT_TIMEOUT", "2s"),
                "run",
                "--db",
                "postgres://127.0.0.1:1/x");
        assertThat(unrecorded.stdout()).startsWith("run=none ").contains("error=DATABASE");
    }

    /** run takes several pipelines, or a directory of them; the worst outcome is the exit code. */
    @Test
    void run_runs_each_pipeline_of_a_directory_and_exits_with_the_worst_outcome() throws Exception {
        Path dir = Files.createDirectory(home.resolve("pipelines"));
        for (String name : List.of("good", "bad")) {
            Files.writeString(
                    dir.resolve(name + ".yaml"),
                    "name: " + name + "\nsources:\n  - name: s\n    url: " + server.url("/" + name + ".csv")
                            + "\n    key: [id]\n    columns:\n      - { header: id, type: integer }\n"
                            + "target: { table: " + name + " }\n");
        }
        Files.writeString(dir.resolve(".hidden.yaml"), "not: a pipeline\n");
        server.script("/good.csv", SourceServer.body("id\n1\n2\n".getBytes(StandardCharsets.UTF_8)));
        server.script("/bad.csv", SourceServer.body("id\nx\n".getBytes(StandardCharsets.UTF_8)));

        SluiceProcess.Result both = SluiceProcess.run(env, "run", "--db", db, "--pipeline", dir.toString());
        assertThat(both.exitCode()).as(both.stderr()).isEqualTo(1);
        List<String> lines = both.stdout().lines().toList();
        assertThat(lines).hasSize(2);
        // Name order: bad.yaml before good.yaml; each ran whatever the other did.
        assertThat(lines.get(0)).contains("pipeline=bad status=FAILED").contains("error=INVALID_VALUE");
        assertThat(lines.get(1)).contains("pipeline=good status=SUCCEEDED inserted=2");

        SluiceProcess.Result json = SluiceProcess.run(
                env,
                "run",
                "--db",
                db,
                "--pipeline",
                dir.resolve("good.yaml").toString(),
                "--pipeline",
                dir.resolve("bad.yaml").toString(),
                "--json");
        JsonNode runs = JSON.readTree(json.stdout());
        assertThat(runs.isArray()).isTrue();
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).get("status").asText()).isEqualTo("UNCHANGED");
        assertThat(runs.get(1).get("status").asText()).isEqualTo("FAILED");

        SluiceProcess.Result ambiguous =
                SluiceProcess.run(env, "run", "--db", db, "--pipeline", dir.toString(), "--source", "s=/tmp/x.csv");
        assertThat(ambiguous.exitCode()).isEqualTo(2);
        assertThat(ambiguous.stderr()).contains("--source names a source of one pipeline");
    }
}
