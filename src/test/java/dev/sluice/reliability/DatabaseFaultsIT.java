package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.config.ChannelSpec;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Secret;
import dev.sluice.config.WebhookChannelSpec;
import dev.sluice.db.Database;
import dev.sluice.history.Run;
import dev.sluice.notify.NotificationDispatcher;
import dev.sluice.testing.ExpectedCovidTable;
import dev.sluice.testing.FailureWitness;
import dev.sluice.testing.KillablePostgres;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SluiceProcess;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import dev.sluice.testing.TestRig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database failing under a run: crashed in immediate mode in the middle of a load, gone between the load's
 * commit and its notifications, lost while a notification is being marked delivered, and unreachable from the
 * start. Each test has a PostgreSQL of its own to crash.
 */
class DatabaseFaultsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private KillablePostgres postgres;
    private TestRig rig;
    private FailureWitness witness;
    private PipelineSpec spec;

    @BeforeEach
    void start() {
        postgres = new KillablePostgres();
        rig = new TestRig(postgres.createDatabase("faults"));
        witness = new FailureWitness(rig, "covid_us_daily", "date");
        rig.server
                .serveFile("/nyt.csv", SharedData.nyt("2020-08-13"))
                .serveFile("/jhu.csv", SharedData.jhu("2020-09-01"));
        spec = witness.watch(rig.covidUs());
        assertThat(rig.run(spec).status()).isEqualTo(RunStatus.SUCCEEDED);
        rig.server
                .serveFile("/nyt.csv", SharedData.nyt("2022-04-19"))
                .serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
    }

    @AfterEach
    void stop() {
        witness.close();
        rig.close();
        postgres.close();
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(rig.url);
    }

    /** Waits until one of this JVM's sluice sessions waits for a lock, that is, until the load is blocked. */
    private void awaitLoadWaitingForLock() throws Exception {
        try (Connection c = connect();
                PreparedStatement st = c.prepareStatement("select count(*) from pg_stat_activity"
                        + " where wait_event_type = 'Lock' and application_name = ?")) {
            st.setString(1, Database.applicationName());
            for (int i = 0; i < 1500; i++) {
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("the load never waited for the row locks");
    }

    @Test
    void a_database_crashed_in_the_middle_of_a_load_comes_back_with_the_target_as_it_was() throws Exception {
        String target = witness.state();
        long before = rig.count("select max(id) from sluice.runs");
        // Row locks on every target row: the load stages its rows, then waits to update the first changed one.
        Connection blocker = connect();
        blocker.setAutoCommit(false);
        try (Statement st = blocker.createStatement()) {
            st.execute("select * from covid_us_daily for update");
        }
        CompletableFuture<Run> load = CompletableFuture.supplyAsync(() -> rig.run(spec));
        awaitLoadWaitingForLock();
        postgres.crash();
        blocker.abort(Runnable::run);
        postgres.restart();

        // The run either records its own failure on the restarted server, or is left RUNNING and marked
        // INTERRUPTED by the next run; it never hangs and never leaves half a load.
        Optional<Run> failed = Optional.empty();
        try {
            failed = Optional.of(load.get(90, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(dev.sluice.db.DatabaseException.class);
        }
        failed.ifPresent(run -> assertThat(run.status()).isEqualTo(RunStatus.FAILED));
        assertThat(witness.state()).as("the target after crash recovery").isEqualTo(target);
        long crashed = before + 1;

        Run next = rig.run(spec);
        assertThat(next.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(rig.text("select status || ' ' || (error->>'kind') from sluice.runs where id = " + crashed))
                .hasValueSatisfying(s -> assertThat(s).isIn("FAILED DATABASE", "FAILED INTERRUPTED"));
        try (Connection c = rig.database.connect()) {
            ExpectedCovidTable.create(c, "expected", SharedData.nyt("2022-04-19"), SharedData.jhu("2021-02-01"));
        }
        assertThat(rig.count("select count(*) from (select date, cases, deaths, recovered from covid_us_daily"
                        + " except select * from expected) d"))
                .isZero();
        assertThat(rig.count("select count(*) from expected"))
                .isEqualTo(rig.count("select count(*) from covid_us_daily"));

        JsonNode failure = witness.notification(spec, crashed);
        assertThat(failure.get("status").asText()).isEqualTo("FAILED");
        assertThat(witness.notification(spec, next.id()).get("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void a_notification_committed_before_the_database_went_away_is_delivered_once_when_it_is_back() {
        Run run = rig.run(spec);
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(rig.text("select status from sluice.notification_outbox where run_id = " + run.id()))
                .hasValue("PENDING");

        postgres.crash();
        postgres.restart();
        // A new process: its own connection pool and dispatcher.
        try (Database restarted = TestDatabase.open(rig.url, home)) {
            NotificationDispatcher dispatcher = rig.dispatcher(restarted, spec);
            assertThat(dispatcher.settle(run.id(), Duration.ofSeconds(10))).isTrue();
            assertThat(dispatcher.deliverDue()).isZero();
        }
        assertThat(witness.notification(spec, run.id()).get("runId").asLong()).isEqualTo(run.id());
        assertThat(rig.text(
                        "select status || '/' || attempts from sluice.notification_outbox where run_id = " + run.id()))
                .hasValue("DELIVERED/1");
    }

    @Test
    void a_delivery_whose_database_session_dies_before_its_commit_is_repeated_with_the_same_key() throws Exception {
        AtomicInteger posts = new AtomicInteger();
        try (SourceServer receiver = new SourceServer()) {
            receiver.script("/hook", exchange -> {
                if (posts.incrementAndGet() == 1) {
                    terminateSluiceSessions();
                }
                exchange.sendResponseHeaders(204, -1);
            });
            PipelineSpec hooked = rig.covidUs()
                    .withMoreChannels(List.of(new WebhookChannelSpec(
                            "hook",
                            ChannelSpec.DEFAULT_OUTCOMES,
                            Secret.of(receiver.url("/hook").toString()),
                            WebhookChannelSpec.Format.JSON,
                            Optional.empty())));
            Run run = rig.run(hooked);
            NotificationDispatcher dispatcher = rig.dispatcher(hooked);

            assertThat(org.assertj.core.api.Assertions.catchThrowable(dispatcher::deliverDue))
                    .as("marking the first delivery fails with its session")
                    .isNotNull();
            assertThat(rig.text(
                            "select status || '/' || attempts from sluice.notification_outbox where channel = 'hook'"))
                    .hasValue("PENDING/0");
            assertThat(dispatcher.deliverDue()).isEqualTo(1);
            assertThat(dispatcher.deliverDue()).isZero();

            List<SourceServer.Request> received = receiver.requests("/hook");
            assertThat(received).hasSize(2);
            assertThat(received)
                    .extracting(r -> r.header("X-Sluice-Delivery"))
                    .containsOnly("sluice-covid-us-run-" + run.id() + "-hook");
            assertThat(received.get(1).bodyText()).isEqualTo(received.get(0).bodyText());
            assertThat(rig.text(
                            "select status || '/' || attempts from sluice.notification_outbox where channel = 'hook'"))
                    .hasValue("DELIVERED/1");
        }
    }

    /** Ends the dispatcher's session: the one of this JVM holding a transaction open while it sends. */
    private void terminateSluiceSessions() {
        try (Connection c = connect();
                PreparedStatement st = c.prepareStatement("select pg_terminate_backend(pid)"
                        + " from pg_stat_activity where application_name = ? and state = 'idle in transaction'")) {
            st.setString(1, Database.applicationName());
            st.executeQuery().close();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void an_unreachable_database_fails_the_run_with_exit_1_and_tells_the_channels_directly() throws Exception {
        int closed = SourceServer.closedPort();
        try (SourceServer receiver = new SourceServer()) {
            receiver.script("/hooks/T0-secret-path", SourceServer.status(204));
            String db = "jdbc:postgresql://127.0.0.1:" + closed + "/sluice";
            SluiceProcess.Result result = SluiceProcess.run(
                    Map.of(
                            "SLUICE_HOME",
                            home.toString(),
                            "SLUICE_DB_USER",
                            "etl",
                            "SLUICE_DB_PASSWORD",
                            "db-pass-Qv42",
                            "SLUICE_PLAINTEXT_HOSTS",
                            "127.0.0.1",
                            "SLUICE_WEBHOOK_URL",
                            receiver.url("/hooks/T0-secret-path").toString()),
                    "run",
                    "--db",
                    db,
                    "--json",
                    "--notify-timeout",
                    "5",
                    "--source",
                    "nyt=" + rig.server.url("/nyt.csv"),
                    "--source",
                    "jhu=" + rig.server.url("/jhu.csv"));

            assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
            JsonNode json = JSON.readTree(result.stdout());
            assertThat(json.get("runId").isNull()).isTrue();
            assertThat(json.get("status").asText()).isEqualTo("FAILED");
            assertThat(json.at("/error/kind").asText()).isEqualTo(ErrorKind.DATABASE.name());
            assertThat(json.at("/error/message").asText()).contains("cannot connect to the database at " + db);
            assertThat(json.at("/notifications/0/channel").asText()).isEqualTo("env-webhook");
            assertThat(json.at("/notifications/0/status").asText()).isEqualTo("DELIVERED");
            assertThat(result.stderr()).contains("covid-us FAILED: DATABASE");

            List<SourceServer.Request> posts = receiver.requests("/hooks/T0-secret-path");
            assertThat(posts).hasSize(1);
            assertThat(posts.get(0).header("X-Sluice-Delivery")).startsWith("sluice-covid-us-unrecorded-");
            JsonNode notified = JSON.readTree(posts.get(0).body());
            assertThat(notified.at("/error/kind").asText()).isEqualTo("DATABASE");
            for (String secret : List.of("db-pass-Qv42", "T0-secret-path")) {
                assertThat(result.stdout() + result.stderr() + posts.get(0).bodyText())
                        .doesNotContain(secret);
            }
        }
    }
}
