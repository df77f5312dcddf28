package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.PipelineFileReader;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SluiceProcess;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice serve} as a real process: schedule, run now, health, and what SIGTERM does to a run in progress. */
class ServeIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOKEN = "serve-it-token";

    @TempDir
    Path home;

    private SourceServer sources;
    private String db;
    private Process serve;
    private Path out;

    @BeforeEach
    void start() {
        sources = new SourceServer();
        sources.serveFile("/nyt.csv", SharedData.nyt("2022-04-19")).serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
        db = TestDatabase.createDatabase();
    }

    @AfterEach
    void stop() throws Exception {
        if (serve != null && serve.isAlive()) {
            serve.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        sources.close();
    }

    /** The bundled covid-us pipeline reading the loopback server, on another schedule, with one attempt. */
    private Path pipelineFile(String cron) throws Exception {
        String yaml = PipelineFileReader.bundledText("covid-us")
                .replace(
                        "https://raw.githubusercontent.com/nytimes/covid-19-data/master/us.csv",
                        sources.url("/nyt.csv") + "\n    fetch: { read_timeout: 30s, attempts: 1 }")
                .replace(
                        "https://raw.githubusercontent.com/datasets/covid-19/master/data/time-series-19-covid-combined.csv",
                        sources.url("/jhu.csv").toString())
                .replace("cron: \"0 0 19 * * *\"", "cron: \"" + cron + "\"");
        Path file = home.resolve("covid-us.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private int startServe(Path pipeline, int shutdownTimeout) throws Exception {
        out = home.resolve("serve.out");
        serve = SluiceProcess.start(
                Map.of("SLUICE_HOME", home.toString(), "SLUICE_API_TOKEN", TOKEN),
                out,
                home.resolve("serve.err"),
                "serve",
                "--pipeline",
                pipeline.toString(),
                "--db",
                db,
                "--port",
                "0",
                "--shutdown-timeout",
                String.valueOf(shutdownTimeout));
        return SluiceProcess.awaitPort(serve, out, home.resolve("serve.err"));
    }

    private static HttpResponse<String> request(int port, String method, String path) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN);
        builder = method.equals("POST") ? builder.POST(HttpRequest.BodyPublishers.noBody()) : builder.GET();
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String query(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db);
                Statement st = c.createStatement();
                var rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private void awaitQuery(String sql, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (System.nanoTime() < deadline && !expected.equals(query(sql))) {
            Thread.sleep(200);
        }
        assertThat(query(sql)).isEqualTo(expected);
    }

    @Test
    void the_scheduler_runs_the_pipeline_on_its_cron_and_health_says_ready() throws Exception {
        int port = startServe(pipelineFile("*/2 * * * * *"), 10);
        assertThat(request(port, "GET", "/health/ready").statusCode()).isEqualTo(200);

        awaitQuery("select status from sluice.runs where trigger = 'SCHEDULE' order by id limit 1", "SUCCEEDED");
        assertThat(query("select count(*) from covid_us_daily")).isEqualTo("820");
        assertThat(request(port, "GET", "/metrics").body()).contains("sluice_runs_total{pipeline=\"covid-us\"");

        serve.destroy();
        assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(query("select count(*) from sluice.runs where status = 'RUNNING'"))
                .isEqualTo("0");
    }

    @Test
    void sigterm_lets_a_run_in_progress_finish_and_record_itself() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        sources.script(
                "/nyt.csv",
                SourceServer.gated(entered, gate, SourceServer.body(SourceServer.read(SharedData.nyt("2022-04-19")))));
        int port = startServe(pipelineFile("0 0 19 * * *"), 30);
        assertThat(request(port, "POST", "/api/pipelines/covid-us/runs").statusCode())
                .isEqualTo(202);
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

        serve.destroy(); // SIGTERM
        Thread.sleep(1500);
        assertThat(serve.isAlive()).as("waits for the run in progress").isTrue();
        gate.countDown();

        assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(query(
                        "select status || ' ' || trigger || ' ' || inserted from sluice.runs order by id desc limit 1"))
                .as(query("select error::text from sluice.runs order by id desc limit 1"))
                .isEqualTo("SUCCEEDED MANUAL 820");
        assertThat(query("select count(*) from covid_us_daily")).isEqualTo("820");
    }

    @Test
    void a_run_still_in_progress_after_the_shutdown_timeout_rolls_back_and_is_recorded_failed() throws Exception {
        int port = startServe(pipelineFile("0 0 19 * * *"), 2);
        assertThat(request(port, "POST", "/api/pipelines/covid-us/runs").statusCode())
                .isEqualTo(202);
        awaitQuery("select status from sluice.runs order by id desc limit 1", "SUCCEEDED");
        String loaded = query("select md5(string_agg(t::text, '|' order by date)) from covid_us_daily t");

        sources.serveFile("/jhu.csv", SharedData.jhu("2021-01-01")); // a change to load
        try (Connection blocker = DriverManager.getConnection(db);
                Statement st = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            st.execute("lock table covid_us_daily in access exclusive mode"); // the load will wait for this lock
            assertThat(request(port, "POST", "/api/pipelines/covid-us/runs").statusCode())
                    .isEqualTo(202);
            awaitQuery(
                    "select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                            + " and application_name like 'sluice-%'",
                    "1");

            serve.destroy();
            assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
            blocker.rollback();
        }
        assertThat(query("select status || ' ' || (error->>'kind') from sluice.runs order by id desc limit 1"))
                .isEqualTo("FAILED DATABASE");
        assertThat(query("select count(*) from sluice.runs where status = 'RUNNING'"))
                .isEqualTo("0");
        assertThat(query("select md5(string_agg(t::text, '|' order by date)) from covid_us_daily t"))
                .isEqualTo(loaded);
    }

    /** A small pipeline of its own, in a directory served with --pipelines. */
    private static String smallPipeline(String name, String url, String cron) {
        return "name: " + name + "\nschedule: { cron: \"" + cron + "\", zone: UTC }\nsources:\n  - name: s\n"
                + "    url: " + url + "\n    fetch: { attempts: 1 }\n    key: [id]\n    columns:\n"
                + "      - { header: id, type: integer }\n      - { header: v }\ntarget: { table: "
                + name.replace('-', '_') + " }\n";
    }

    @Test
    void a_directory_of_pipelines_is_followed_without_a_restart_and_a_broken_file_stops_nothing() throws Exception {
        sources.script("/a.csv", SourceServer.body("id,v\n1,a\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        sources.script("/b.csv", SourceServer.body("id,v\n1,b\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Path dir = Files.createDirectories(home.resolve("pipelines"));
        Files.writeString(
                dir.resolve("a.yaml"),
                smallPipeline("feed-a", sources.url("/a.csv").toString(), "0 0 3 * * *"));
        out = home.resolve("serve.out");
        serve = SluiceProcess.start(
                Map.of("SLUICE_HOME", home.toString(), "SLUICE_API_TOKEN", TOKEN, "SLUICE_RELOAD_INTERVAL", "1s"),
                out,
                home.resolve("serve.err"),
                "serve",
                "--pipelines",
                dir.toString(),
                "--db",
                db,
                "--port",
                "0");
        int port = SluiceProcess.awaitPort(serve, out, home.resolve("serve.err"));
        assertThat(request(port, "GET", "/api/pipelines").body())
                .contains("\"feed-a\"")
                .doesNotContain("feed-b");

        // Added: scheduled every two seconds, so it runs without anyone asking.
        Files.writeString(
                dir.resolve("b.yaml"),
                smallPipeline("feed-b", sources.url("/b.csv").toString(), "*/2 * * * * *"));
        awaitQuery("select count(*) > 0 from sluice.runs where pipeline = 'feed-b' and status = 'SUCCEEDED'", "t");
        assertThat(request(port, "GET", "/api/pipelines").body()).contains("\"feed-b\"");

        // Broken: reported on the dashboard's API and in the log; its last good version and feed-a go on.
        Files.writeString(dir.resolve("b.yaml"), "name: feed-b\nsources: [\n");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String unreadable = "[]";
        while (System.nanoTime() < deadline && unreadable.equals("[]")) {
            Thread.sleep(200);
            unreadable = request(port, "GET", "/api/pipeline-files/unreadable").body();
        }
        assertThat(unreadable).contains("b.yaml").contains("\"stillRuns\":\"feed-b\"");
        assertThat(request(port, "POST", "/api/pipelines/feed-a/runs").statusCode())
                .isEqualTo(202);
        awaitQuery("select count(*) from sluice.runs where pipeline = 'feed-a' and status = 'SUCCEEDED'", "1");

        // Removed: its schedule goes, the other stays.
        Files.delete(dir.resolve("b.yaml"));
        awaitQuery("select count(*) from sluice.scheduled_tasks where task_instance = 'feed-b'", "0");
        assertThat(query("select count(*) from sluice.scheduled_tasks where task_instance = 'feed-a'"))
                .isEqualTo("1");
        assertThat(request(port, "GET", "/api/pipelines").body()).doesNotContain("feed-b");
        assertThat(Files.readString(home.resolve("serve.err"))).contains("b.yaml cannot be read");
    }
}
