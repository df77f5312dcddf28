package dev.sluice.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testing.LambdaFunction;
import dev.sluice.testing.LambdaRuntimeApi;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged function, {@code target/sluice-lambda.jar}, started the way Lambda's Java runtime starts it: AWS's
 * runtime interface client in its own JVM, polling a loopback Lambda Runtime API for events.
 */
class LambdaRuntimeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] NYT = SourceServer.read(SharedData.nyt("2022-04-19"));

    @TempDir
    Path home;

    private final LambdaRuntimeApi runtime = new LambdaRuntimeApi();
    private final SourceServer server = new SourceServer();
    private final List<Process> functions = new ArrayList<>();
    private String url;
    private Path pipeline;

    @BeforeEach
    void setUp() throws IOException {
        url = TestDatabase.createDatabase();
        server.script("/nyt.csv", SourceServer.body(NYT))
                .script("/jhu.csv", SourceServer.body(SourceServer.read(SharedData.jhu("2021-02-01"))));
        pipeline = home.resolve("covid-us.yaml");
        Files.writeString(pipeline, server.covidUsPipeline());
    }

    @AfterEach
    void tearDown() {
        functions.forEach(Process::destroyForcibly);
        runtime.close();
        server.close();
    }

    /** A new execution environment of the function. */
    private Process startFunction() {
        Process function = LambdaFunction.start(
                runtime,
                Map.of(
                        "SLUICE_DB_URL", url,
                        "SLUICE_PIPELINES", pipeline.toString(),
                        "SLUICE_HOME", home.resolve("home").toString(),
                        "SLUICE_TMPDIR", home.resolve("tmp").toString()),
                home.resolve("function-" + functions.size() + ".out"),
                home.resolve("function-" + functions.size() + ".err"));
        functions.add(function);
        return function;
    }

    private LambdaRuntimeApi.Outcome invoke(String event) throws Exception {
        return runtime.invoke(event, Duration.ofMinutes(2)).get(3, TimeUnit.MINUTES);
    }

    @Test
    void the_packaged_function_answers_a_scheduled_event_and_a_run_now_with_the_runs_json() throws Exception {
        startFunction();

        LambdaRuntimeApi.Outcome scheduled = invoke(ScheduledRunHandlerIT.SCHEDULED_EVENT);
        LambdaRuntimeApi.Outcome runNow = invoke("{\"pipeline\": \"covid-us\", \"force\": true}");

        assertThat(runtime.initError()).isEmpty();
        assertThat(scheduled.failed()).isFalse();
        JsonNode first = JSON.readTree(scheduled.body());
        assertThat(first.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(first.get("trigger").asText()).isEqualTo("SCHEDULE");
        assertThat(first.get("inserted").asLong()).isEqualTo(ScheduledRunHandlerIT.NYT_ROWS);
        JsonNode second = JSON.readTree(runNow.body());
        assertThat(second.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(second.get("trigger").asText()).isEqualTo("MANUAL");
        assertThat(second.get("unchanged").asLong()).isEqualTo(ScheduledRunHandlerIT.NYT_ROWS);
        assertThat(query("select count(*) from covid_us_daily"))
                .isEqualTo(String.valueOf(ScheduledRunHandlerIT.NYT_ROWS));
    }

    @Test
    void a_failed_run_is_an_invocation_error_lambda_counts() throws Exception {
        startFunction();
        server.script(
                "/nyt.csv",
                SourceServer.body("date,cases,deaths\n2020-01-21,one,0\n".getBytes(StandardCharsets.UTF_8)));

        LambdaRuntimeApi.Outcome outcome = invoke(ScheduledRunHandlerIT.SCHEDULED_EVENT);

        assertThat(outcome.failed()).isTrue();
        JsonNode error = JSON.readTree(outcome.body());
        assertThat(error.get("errorType").asText()).isEqualTo("dev.sluice.SluiceException");
        assertThat(error.get("errorMessage").asText())
                .contains("covid-us run 1 FAILED: INVALID_VALUE")
                .contains("line 2")
                .contains("one");
        assertThat(query("select status from sluice.runs where id = 1")).isEqualTo("FAILED");
    }

    @Test
    void a_run_cut_off_by_the_functions_timeout_is_recorded_interrupted_by_the_next() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        server.script("/nyt.csv", SourceServer.gated(entered, never, SourceServer.body(NYT)));
        Process function = startFunction();
        runtime.invoke(ScheduledRunHandlerIT.SCHEDULED_EVENT, Duration.ofMinutes(2));
        assertThat(entered.await(2, TimeUnit.MINUTES)).isTrue();
        assertThat(query("select status from sluice.runs where id = 1")).isEqualTo("RUNNING");

        // Lambda's timeout: the execution environment's process is killed mid-run, as by SIGKILL.
        function.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        server.script("/nyt.csv", SourceServer.body(NYT));
        startFunction();
        LambdaRuntimeApi.Outcome next = invoke(ScheduledRunHandlerIT.SCHEDULED_EVENT);

        assertThat(JSON.readTree(next.body()).get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(query("select status || ' ' || (error->>'kind') from sluice.runs where id = 1"))
                .isEqualTo("FAILED INTERRUPTED");
        never.countDown();
    }

    @Test
    void a_function_without_a_database_reports_an_init_error_and_ends() throws Exception {
        url = ""; // no database configured: it must not fall back to an embedded one it does not carry
        Process function = startFunction();

        assertThat(function.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(function.exitValue()).isNotZero();
        LambdaRuntimeApi.Outcome init = runtime.initError().orElseThrow();
        assertThat(JSON.readTree(init.body()).get("errorMessage").asText())
                .isEqualTo("a Lambda function has no embedded PostgreSQL: set SLUICE_DB_SECRET_ARN (or SLUICE_DB_URL)");
    }

    private String query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
