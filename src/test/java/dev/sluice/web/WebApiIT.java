package dev.sluice.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.Main;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Secret;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.TestRig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/** The JSON API on a database filled by a real run of covid-us; every answer is checked against independent SQL. */
class WebApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOKEN = "run-now-token-1234";

    private static TestRig rig;
    private static HikariDataSource reader;
    private static DashboardServer server;
    private static final List<String> manualRuns = new CopyOnWriteArrayList<>();
    private static Run loaded;

    @BeforeAll
    static void start() {
        rig = new TestRig();
        rig.server
                .serveFile("/nyt.csv", SharedData.nyt("2022-04-19"))
                .serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
        PipelineSpec spec = rig.covidUs();
        loaded = rig.run(spec);
        rig.run(spec); // unchanged
        reader = rig.database.openReader(Optional.empty(), 4);
        // us-counties is served but never loaded: its table does not exist.
        PipelineSpec neverLoaded = new PipelineFileReader(Trust.none()).read("us-counties");
        server = new DashboardServer(
                        List.of(spec, neverLoaded),
                        reader,
                        rig.wiring.history(),
                        4,
                        Optional.of(Secret.of(TOKEN)),
                        s -> manualRuns.add(s.name()),
                        List.of())
                .start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
        reader.close();
        rig.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode sqlJson(String sql) throws Exception {
        return JSON.readTree(rig.text(sql).orElseThrow());
    }

    @Test
    void a_pipeline_never_loaded_has_no_rows_yet_which_is_not_an_error() throws Exception {
        assertThat(rig.text("select to_regclass('us_counties')::text")).isEmpty();
        JsonNode summary = json("/api/pipelines/us-counties/summary");
        assertThat(summary.get("rows").asLong()).isZero();
        assertThat(summary.get("dataUpTo").isNull()).isTrue();
        assertThat(summary.get("lastLoadedAt").isNull()).isTrue();
        assertThat(summary.at("/latest/cases/value").isNull()).isTrue();
        assertThat(json("/api/pipelines/us-counties/series").get("dates")).isEmpty();
        assertThat(json("/api/pipelines/us-counties/rows")).isEmpty();
        assertThat(get("/api/pipelines/us-counties/rows.csv").body())
                .isEqualTo("date,fips,county,state,cases,deaths\n");
    }

    @Test
    void rows_are_the_whole_target_table_in_key_order() throws Exception {
        assertThat(json("/api/pipelines/covid-us/rows"))
                .isEqualTo(sqlJson("select json_agg(t order by date) from covid_us_daily t"));
        assertThat(json("/api/pipelines/covid-us/rows?from=2020-12-10&to=2020-12-20"))
                .isEqualTo(
                        sqlJson(
                                "select json_agg(t order by date) from covid_us_daily t where date between '2020-12-10' and '2020-12-20'"));
        assertThat(get("/api/pipelines/covid-us/rows?from=yesterday").statusCode())
                .isEqualTo(400);
        assertThat(get("/api/pipelines/covid-uk/rows").statusCode()).isEqualTo(404);
    }

    @Test
    void rows_csv_equals_postgresql_s_own_csv_export() throws Exception {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (Connection c = rig.database.connect()) {
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyOut(
                            "copy (select * from covid_us_daily order by date) to stdout with (format csv, header true)",
                            expected);
        }
        HttpResponse<String> csv = get("/api/pipelines/covid-us/rows.csv");
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.body()).isEqualTo(expected.toString(StandardCharsets.UTF_8));
    }

    @Test
    void series_match_daily_differences_and_7_day_averages_computed_another_way() throws Exception {
        JsonNode series = json("/api/pipelines/covid-us/series");
        // Independent: a self-join for the previous date, and a correlated subquery over the 7 calendar days.
        JsonNode expected = sqlJson("""
                with d as (select t.date, t.cases - p.cases as new_cases, t.deaths - p.deaths as new_deaths
                           from covid_us_daily t left join covid_us_daily p on p.date = (select max(date)
                           from covid_us_daily where date < t.date))
                select json_agg(json_build_object('date', d.date::text, 'new_cases', d.new_cases,
                       'avg', (select round(avg(x.new_cases), 2) from d x where x.date between d.date - 6 and d.date),
                       'cfr', (select round(deaths::numeric / nullif(cases, 0), 6) from covid_us_daily c
                               where c.date = d.date)) order by d.date) from d""");
        assertThat(series.get("dates")).hasSize(820);
        for (int i = 0; i < expected.size(); i++) {
            JsonNode row = expected.get(i);
            assertThat(series.get("dates").get(i).asText())
                    .isEqualTo(row.get("date").asText());
            assertThat(series.get("series").get("new_cases").get(i))
                    .as(row.toString())
                    .isEqualTo(row.get("new_cases"));
            assertThat(series.get("series").get("new_cases_7d").get(i).decimalValue())
                    .isEqualByComparingTo(row.get("avg").decimalValue());
            assertThat(
                            series.get("series")
                                            .get("case_fatality_rate")
                                            .get(i)
                                            .isNull()
                                    ? null
                                    : series.get("series")
                                            .get("case_fatality_rate")
                                            .get(i)
                                            .decimalValue())
                    .isEqualTo(row.get("cfr").isNull() ? null : row.get("cfr").decimalValue());
        }
        assertThat(series.get("series").get("recovered").get(400).isNull())
                .as("a NULL stays a gap")
                .isTrue();
    }

    @Test
    void summary_gives_the_newest_date_and_each_column_s_latest_known_value() throws Exception {
        JsonNode summary = json("/api/pipelines/covid-us/summary");
        assertThat(summary.get("rows").asLong()).isEqualTo(rig.count("select count(*) from covid_us_daily"));
        assertThat(summary.get("dataUpTo").asText())
                .isEqualTo(
                        rig.text("select max(date)::text from covid_us_daily").orElseThrow());
        assertThat(summary.get("latest").get("recovered").get("date").asText())
                .isEqualTo(rig.text("select max(date)::text from covid_us_daily where recovered is not null")
                        .orElseThrow());
        assertThat(summary.get("latest").get("recovered").get("value").asLong())
                .isEqualTo(rig.count(
                        "select recovered from covid_us_daily where recovered is not null order by date desc limit 1"));
        assertThat(summary.get("lastLoadedAt").asText()).isNotBlank();
    }

    @Test
    void runs_are_the_objects_of_history_json_newest_first() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new Main(
                        Map.of("SLUICE_HOME", rig.home.toString()),
                        Clock.systemUTC(),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(new ByteArrayOutputStream()),
                        false)
                .execute("history", "--db", rig.url, "--json");
        assertThat(exit).isZero();
        assertThat(json("/api/runs")).isEqualTo(JSON.readTree(out.toString(StandardCharsets.UTF_8)));
        JsonNode one = json("/api/runs/" + loaded.id());
        assertThat(one.get("changes"))
                .hasSize((int) rig.count("select count(*) from sluice.change_log where run_id = " + loaded.id()));
        assertThat(get("/api/runs/999999").statusCode()).isEqualTo(404);
    }

    @Test
    void metrics_count_runs_by_status_and_rows() throws Exception {
        String metrics = get("/metrics").body();
        assertThat(metrics)
                .contains("sluice_runs_total{pipeline=\"covid-us\",status=\"SUCCEEDED\"} "
                        + rig.count("select count(*) from sluice.runs where status = 'SUCCEEDED'"));
        assertThat(metrics).contains("sluice_runs_total{pipeline=\"covid-us\",status=\"UNCHANGED\"} 1");
        assertThat(metrics).contains("sluice_rows_total{pipeline=\"covid-us\",change=\"inserted\"} 820");
        assertThat(metrics)
                .contains("# TYPE sluice_last_success_timestamp_seconds gauge")
                .contains("sluice_last_success_timestamp_seconds{pipeline=\"covid-us\"} ");
        assertThat(metrics).contains("# TYPE sluice_notification_backlog gauge");
    }

    @Test
    void run_durations_are_a_histogram_and_the_build_is_said() throws Exception {
        // Four finished runs of a pipeline of its own, of 0.5 s, 3 s, 40 s and 4000 s, written as history holds them.
        rig.execute("insert into sluice.runs (pipeline, trigger, status, started_at, finished_at, definition_sha256)"
                + " select 'timed', 'CLI', 'FAILED', t, t + d * interval '1 second', 'x' from (values (0.5), (3),"
                + " (40), (4000)) v(d), (select now() - interval '2 hours' as t) s");
        String metrics = get("/metrics").body();
        assertThat(metrics).contains("# TYPE sluice_run_duration_seconds histogram");
        // By hand: at most 1 s one run, 5 s two, 60 s three, 3600 s three, all four.
        Map<String, Integer> expected = new java.util.LinkedHashMap<>();
        expected.put("1", 1);
        expected.put("5", 2);
        expected.put("30", 2);
        expected.put("60", 3);
        expected.put("3600", 3);
        expected.put("+Inf", 4);
        expected.forEach((le, count) -> assertThat(metrics)
                .contains("sluice_run_duration_seconds_bucket{pipeline=\"timed\",le=\"" + le + "\"} " + count + "\n"));
        assertThat(metrics)
                .contains("sluice_run_duration_seconds_count{pipeline=\"timed\"} 4\n")
                .contains("sluice_run_duration_seconds_sum{pipeline=\"timed\"} 4043.500\n");
        assertThat(metrics)
                .containsPattern("sluice_build_info\\{version=\"[^\"]+\",commit=\"[^\"]+\",java=\"17[^\"]*\"} 1");
        rig.execute("delete from sluice.runs where pipeline = 'timed'");
    }

    @Test
    void health_endpoints_say_live_and_ready() throws Exception {
        assertThat(json("/health/live").get("status").asText()).isEqualTo("UP");
        assertThat(json("/health/ready").get("status").asText()).isEqualTo("UP");
    }

    @Test
    void run_now_needs_the_bearer_token() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.port() + "/api/pipelines/covid-us/runs");
        HttpResponse<String> none = HTTP.send(
                HttpRequest.newBuilder(uri)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrong = HTTP.send(
                HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer nope")
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(manualRuns).isEmpty();
        HttpResponse<String> right = HTTP.send(
                HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(right.statusCode()).isEqualTo(202);
        assertThat(manualRuns).containsExactly("covid-us");
        HttpResponse<String> lowerCase = HTTP.send(
                HttpRequest.newBuilder(uri)
                        .header("Authorization", "bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(lowerCase.statusCode()).as("the scheme is case-insensitive").isEqualTo(202);
        assertThat(manualRuns).containsExactly("covid-us", "covid-us");
        assertThat(get("/api/pipelines/covid-us/runs").statusCode())
                .as("GET is not a trigger")
                .isIn(404, 405);
    }

    @Test
    void an_invalid_parameter_answers_400_saying_which_never_500() throws Exception {
        Map<String, String> invalid = Map.ofEntries(
                Map.entry(
                        "/api/pipelines/covid-us/rows?as_of=%2B1000000000-01-01T00:00:00Z",
                        "as_of must be between 4713 BC and 294276 AD"),
                Map.entry(
                        "/api/pipelines/covid-us/rows?as_of=-300000-01-01T00:00:00Z",
                        "as_of must be between 4713 BC and 294276 AD"),
                Map.entry("/api/pipelines/covid-us/rows?from=%2B6000000-01-01", "from must be between 4713 BC and"),
                Map.entry("/api/runs?pipeline=%00", "pipeline must be a pipeline's name"),
                Map.entry("/api/runs?pipeline=covid-us%27%3B", "pipeline must be a pipeline's name"),
                Map.entry("/api/runs?limit=abc", "limit must be a whole number from 1 to 200"),
                Map.entry("/api/runs?limit=1000", "limit must be a whole number from 1 to 200"),
                Map.entry("/api/runs?before=-3", "before must be a run id"),
                Map.entry("/api/runs/1/rejected?limit=100000", "limit must be a whole number from 1 to 1000"),
                Map.entry("/api/pipelines/covid-us/rows?from=2020-13-01", "from and to must be dates"),
                Map.entry("/api/pipelines/covid-us/series?to=%00", "from and to must be dates"));
        for (Map.Entry<String, String> request : invalid.entrySet()) {
            HttpResponse<String> response = get(request.getKey());
            assertThat(response.statusCode()).as(request.getKey()).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("error").asText()).contains(request.getValue());
        }
        assertThat(get("/api/runs/%00").statusCode())
                .as("refused by Jetty itself: an ambiguous path")
                .isEqualTo(400);
        JsonNode page = json("/api/runs?limit=1");
        JsonNode next =
                json("/api/runs?limit=1&before=" + page.get(0).get("runId").asLong());
        assertThat(next.get(0).get("runId").asLong())
                .isLessThan(page.get(0).get("runId").asLong());
    }

    /** A request with this Host header, over a plain socket (the JDK's client will not send another Host). */
    private static String rawGet(String path, String host) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void only_requests_addressed_to_a_known_name_are_answered() throws Exception {
        assertThat(rawGet("/api/runs", "rebound.attacker.example:" + server.port()))
                .startsWith("HTTP/1.1 421")
                .contains("does not answer to the name 'rebound.attacker.example'");
        assertThat(rawGet("/api/runs", "localhost:" + server.port())).startsWith("HTTP/1.1 200");
        assertThat(rawGet("/api/runs", "127.0.0.1")).startsWith("HTTP/1.1 200");
        assertThat(rawGet("/api/runs", "[::1]:" + server.port())).startsWith("HTTP/1.1 200");
        assertThat(rawGet("/health/ready", "10.1.2.3:8080"))
                .as("probes address pods by IP")
                .startsWith("HTTP/1.1 200");
    }

    @Test
    void every_response_carries_security_headers_and_assets_come_from_the_jar() throws Exception {
        for (String path : List.of("/", "/app.js", "/api/runs", "/assets/echarts.min.js")) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            String csp =
                    response.headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(csp)
                    .as(path)
                    .contains("script-src 'self';")
                    .contains("default-src 'self'")
                    .contains("frame-ancestors 'none'");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(response.headers().firstValue("Server")).isEmpty();
        }
        String page = get("/").body();
        assertThat(page).doesNotContain("http://").doesNotContain("https://").doesNotContain("<script>");
        assertThat(get("/assets/echarts.min.js").body()).contains("echarts");
    }

    private static void assertRefused(Statement st, List<String> writes, String sqlState) {
        for (String write : writes) {
            try {
                st.execute(write);
                throw new AssertionError("the reader could run: " + write);
            } catch (java.sql.SQLException expected) {
                assertThat(expected.getSQLState())
                        .as(write + ": " + expected.getMessage())
                        .isEqualTo(sqlState);
            }
        }
    }

    @Test
    void the_dashboard_role_can_read_but_cannot_change_anything() throws Exception {
        try (Connection c = reader.getConnection();
                Statement st = c.createStatement()) {
            assertThat(c.getMetaData().getUserName()).isEqualTo("sluice_reader");
            List<String> writes = List.of(
                    "insert into covid_us_daily values ('1999-01-01', 1, 1, 1)",
                    "update covid_us_daily set cases = 0",
                    "delete from sluice.runs",
                    "drop table covid_us_daily",
                    "create table evil (x int)",
                    "truncate sluice.change_log",
                    "create schema evil");
            assertRefused(st, writes, "25006"); // read-only transaction
            // Even with read-only switched off, privileges refuse every write.
            st.execute("set default_transaction_read_only = off");
            assertRefused(st, writes, "42501"); // insufficient privilege
            // Nor can it become someone else, or reach the server's files and programs.
            assertRefused(
                    st,
                    List.of(
                            "set role postgres",
                            "set session authorization postgres",
                            "alter role sluice_reader superuser",
                            "select pg_read_file('/etc/passwd')",
                            "copy covid_us_daily to program 'id'",
                            "copy covid_us_daily to '/tmp/sluice-reader-out.csv'",
                            "grant sluice_reader to postgres"),
                    "42501");
            assertThat(rig.count("select count(*) from covid_us_daily")).isPositive();
        }
        assertThat(rig.count("select count(*) from covid_us_daily")).isEqualTo(820);
    }
}
