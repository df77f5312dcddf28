package dev.sluice.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lambda handler in-process, given the events Lambda gives it: EventBridge's documented scheduled event and
 * run-now, against embedded PostgreSQL, the loopback source server and a loopback webhook.
 */
class ScheduledRunHandlerIT {
    /** EventBridge's scheduled event, as its documentation shows it. */
    static final String SCHEDULED_EVENT = """
            {"version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event",
             "source": "aws.events", "account": "123456789012", "time": "2015-10-08T16:53:06Z",
             "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/my-scheduled-rule"],
             "detail": {}}""";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] NYT = SourceServer.read(SharedData.nyt("2022-04-19"));
    private static final byte[] JHU = SourceServer.read(SharedData.jhu("2021-02-01"));
    /** Rows of the NYT file: its lines less the header, counted here rather than by sluice. */
    static final long NYT_ROWS =
            new String(NYT, StandardCharsets.UTF_8).strip().lines().count() - 1;

    @TempDir
    Path home;

    private final SourceServer server = new SourceServer();
    private final List<ScheduledRunHandler> handlers = new ArrayList<>();
    private String url;
    private Map<String, String> environment;

    @BeforeEach
    void setUp() throws IOException {
        url = TestDatabase.createDatabase();
        server.script("/nyt.csv", SourceServer.body(NYT)).script("/jhu.csv", SourceServer.body(JHU));
        server.script("/hook", SourceServer.status(200));
        Path pipeline = home.resolve("covid-us.yaml");
        Files.writeString(pipeline, server.covidUsPipeline());
        environment = new HashMap<>(Map.of(
                "SLUICE_HOME",
                home.resolve("home").toString(),
                "SLUICE_DB_URL",
                url,
                "SLUICE_PIPELINES",
                pipeline.toString(),
                "SLUICE_WEBHOOK_URL",
                server.url("/hook").toString(),
                "SLUICE_NOTIFY_FIRST_RETRY",
                "50ms",
                "SLUICE_PLAINTEXT_HOSTS",
                "127.0.0.1"));
    }

    @AfterEach
    void tearDown() {
        handlers.forEach(ScheduledRunHandler::close);
        server.close();
    }

    private ScheduledRunHandler handler() {
        ScheduledRunHandler handler = new ScheduledRunHandler(environment, Clock.systemUTC());
        handlers.add(handler);
        return handler;
    }

    private static JsonNode invoke(ScheduledRunHandler handler, String event) throws IOException {
        return invoke(handler, event, LambdaContext.lasting(60_000));
    }

    private static JsonNode invoke(ScheduledRunHandler handler, String event, LambdaContext context)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, context);
        return JSON.readTree(out.toByteArray());
    }

    private static JsonNode read(SourceServer.Request request) {
        try {
            return JSON.readTree(request.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The runs' notifications the hook received, in order, without the feed's freshness transitions. */
    private List<JsonNode> runNotifications() {
        return server.requests("/hook").stream()
                .map(ScheduledRunHandlerIT::read)
                .filter(json -> !json.path("kind").asText().equals("freshness"))
                .toList();
    }

    @Test
    void a_scheduled_event_runs_the_functions_pipeline_and_answers_its_run_delivered() throws Exception {
        ScheduledRunHandler handler = handler();

        JsonNode run = invoke(handler, SCHEDULED_EVENT);

        assertThat(run.get("pipeline").asText()).isEqualTo("covid-us");
        assertThat(run.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.get("trigger").asText()).isEqualTo("SCHEDULE");
        assertThat(run.get("inserted").asLong()).isEqualTo(NYT_ROWS);
        assertThat(query("select count(*) from covid_us_daily")).isEqualTo(String.valueOf(NYT_ROWS));
        // Delivered before the handler returned: a frozen function delivers nothing. The function judged the
        // pipeline's freshness with its run: the shared files end in 2020-2022, so both sources are late, told once.
        List<SourceServer.Request> hooks = server.requests("/hook");
        assertThat(hooks).hasSize(3);
        assertThat(JSON.readTree(hooks.get(0).body()).get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(hooks.subList(1, 3).stream()
                        .map(h -> read(h).get("event").asText() + " "
                                + read(h).get("source").asText())
                        .toList())
                .containsExactlyInAnyOrder("LATE nyt", "LATE jhu");
        assertThat(run.get("notifications").get(0).get("status").asText()).isEqualTo("DELIVERED");
    }

    @Test
    void the_same_data_again_is_unchanged_and_run_now_with_force_reloads_changing_nothing() throws Exception {
        ScheduledRunHandler handler = handler();
        invoke(handler, SCHEDULED_EVENT);
        String before =
                query("select md5(string_agg(t::text || t.xmin::text, '|' order by date)) from covid_us_daily t");

        JsonNode again = invoke(handler, SCHEDULED_EVENT);
        JsonNode forced = invoke(handler, "{\"pipeline\": \"covid-us\", \"force\": true}");

        assertThat(again.get("status").asText()).isEqualTo("UNCHANGED");
        assertThat(forced.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(forced.get("trigger").asText()).isEqualTo("MANUAL");
        assertThat(forced.get("unchanged").asLong()).isEqualTo(NYT_ROWS);
        assertThat(forced.get("inserted").asLong() + forced.get("updated").asLong())
                .isZero();
        assertThat(query("select md5(string_agg(t::text || t.xmin::text, '|' order by date)) from covid_us_daily t"))
                .isEqualTo(before);
    }

    @Test
    void a_failed_run_ends_the_invocation_with_an_error_after_its_notification_leaving_the_table_as_it_was()
            throws Exception {
        ScheduledRunHandler handler = handler();
        invoke(handler, SCHEDULED_EVENT);
        String before = query("select md5(string_agg(t::text, '|' order by date)) from covid_us_daily t");
        List<String> lines =
                new ArrayList<>(new String(NYT, StandardCharsets.UTF_8).lines().toList());
        lines.set(9, lines.get(9).replaceFirst(",\\d+,", ",12x,"));
        server.script(
                "/nyt.csv", SourceServer.body((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> invoke(handler, SCHEDULED_EVENT))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("covid-us run 2 FAILED")
                .hasMessageContaining("INVALID_VALUE")
                .hasMessageContaining("line 10")
                .hasMessageContaining("12x")
                .satisfies(e -> assertThat(((SluiceException) e).kind()).isEqualTo(ErrorKind.INVALID_VALUE));

        assertThat(query("select md5(string_agg(t::text, '|' order by date)) from covid_us_daily t"))
                .isEqualTo(before);
        assertThat(query("select status from sluice.runs where id = 2")).isEqualTo("FAILED");
        List<JsonNode> runs = runNotifications();
        assertThat(runs).hasSize(2);
        assertThat(runs.get(1).get("status").asText()).isEqualTo("FAILED");
    }

    @Test
    void a_second_invocation_while_one_runs_is_skipped_locked_and_succeeds() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        server.script("/nyt.csv", SourceServer.gated(entered, gate, SourceServer.body(NYT)));
        ScheduledRunHandler first = handler();
        ScheduledRunHandler second = handler(); // another execution environment of the same function
        CompletableFuture<JsonNode> running = CompletableFuture.supplyAsync(() -> {
            try {
                return invoke(first, SCHEDULED_EVENT);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

        JsonNode skipped = invoke(second, "{\"pipeline\": \"covid-us\"}");
        gate.countDown();

        assertThat(skipped.get("status").asText()).isEqualTo("SKIPPED_LOCKED");
        assertThat(running.get(60, TimeUnit.SECONDS).get("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void a_connection_dropped_while_the_function_was_frozen_is_replaced() throws Exception {
        ScheduledRunHandler handler = handler();
        invoke(handler, SCHEDULED_EVENT);
        // What a long freeze does to an idle connection: the database (or a NAT) ended it meanwhile.
        assertThat(query("select count(pg_terminate_backend(pid)) from pg_stat_activity where datname ="
                        + " current_database() and pid <> pg_backend_pid()"))
                .isNotEqualTo("0");
        // A freeze lasts longer than the pool's half second of trust in a connection it lent just before.
        Thread.sleep(1_000);

        JsonNode run = invoke(handler, "{\"pipeline\": \"covid-us\", \"force\": true}");

        assertThat(run.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.get("unchanged").asLong()).isEqualTo(NYT_ROWS);
    }

    @Test
    void notifications_stop_before_the_functions_deadline_and_the_next_invocation_delivers_them() throws Exception {
        environment.put("SLUICE_NOTIFY_TIMEOUT", "120s");
        server.script("/hook", SourceServer.status(503));
        ScheduledRunHandler handler = handler();
        LambdaContext context = LambdaContext.lasting(ScheduledRunHandler.ANSWER_MARGIN.toMillis() + 4_000);

        JsonNode run = invoke(handler, SCHEDULED_EVENT, context);

        assertThat(Instant.now()).isBefore(context.deadline());
        assertThat(run.get("notifications").get(0).get("status").asText()).isEqualTo("PENDING");
        assertThat(server.requests("/hook").size()).isGreaterThan(1); // retried meanwhile
        server.script("/hook", SourceServer.status(200));
        // The next invocation comes after the retry is due (a day later, on a schedule).
        Thread.sleep(Long.parseLong(query("select greatest(0, ceil(extract(epoch from max(next_attempt_at) - now())"
                + " * 1000))::bigint from sluice.notification_outbox where status = 'PENDING'")));

        JsonNode next = invoke(handler, SCHEDULED_EVENT);

        assertThat(next.get("status").asText()).isEqualTo("UNCHANGED");
        assertThat(query("select count(*) from sluice.notification_outbox where status = 'DELIVERED'"
                        + " and run_id is not null"))
                .isEqualTo("1");
    }

    @Test
    void an_empty_event_runs_every_pipeline_of_the_function_now_as_a_deployment_first_invokes_it() throws Exception {
        ScheduledRunHandler handler = handler();

        JsonNode run = invoke(handler, "{}");

        assertThat(run.get("pipeline").asText()).isEqualTo("covid-us");
        assertThat(run.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.get("trigger").asText()).isEqualTo("MANUAL");
        assertThat(invoke(handler, "").get("status").asText()).isEqualTo("UNCHANGED");
    }

    @Test
    void events_it_does_not_understand_and_pipelines_it_does_not_have_are_refused_without_a_run() throws Exception {
        ScheduledRunHandler handler = handler();

        assertThatThrownBy(() -> invoke(handler, "{\"pipelin\": \"covid-us\"}"))
                .hasMessageContaining("neither an EventBridge \"Scheduled Event\"");
        assertThatThrownBy(() -> invoke(handler, "{\"pipeline\": \"covid-us\", \"forse\": true}"))
                .hasMessageContaining("unknown field 'forse'");
        assertThatThrownBy(() -> invoke(handler, "{\"pipeline\": \"covid-us\", \"force\": \"yes\"}"))
                .hasMessageContaining("force is not true or false");
        assertThatThrownBy(() -> invoke(handler, "{\"pipeline\": \"us-counties\"}"))
                .hasMessageContaining("'us-counties' is not one of this function's");
        assertThatThrownBy(() -> invoke(handler, "not json")).hasMessageContaining("not JSON");
        // Refused before the database was touched: not even migrated.
        assertThat(query("select to_regclass('sluice.runs') is null")).isEqualTo("t");
        assertThat(server.requests("/nyt.csv")).isEmpty();
    }

    @Test
    void a_function_without_a_database_of_its_own_fails_to_start() {
        environment.remove("SLUICE_DB_URL");

        assertThatThrownBy(() -> new ScheduledRunHandler(environment, Clock.systemUTC()))
                .hasMessageContaining("set SLUICE_DB_SECRET_ARN");
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
