package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunStatus;
import dev.sluice.config.FetchSettings;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.db.Database;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import dev.sluice.testing.TestRig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many pipelines share a database, and often a schema: a load holds no lock another pipeline's load needs, and what
 * is set up once (a schema and the dashboard's right to read it, the dashboard's role in the cluster) is safe when
 * two first runs, or two first migrations, happen at the same moment.
 */
class SharedSchemaIT {
    private static TestRig rig;

    @BeforeAll
    static void start() {
        rig = new TestRig();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    @Test
    void a_load_held_open_by_a_slow_source_does_not_block_another_pipeline_in_its_schema() throws Exception {
        PipelineSpec slow = pipeline("slow-feed", "shared", "/slow.csv");
        PipelineSpec quick = pipeline("quick-feed", "shared", "/quick.csv");
        byte[] body = rows(20_000);
        rig.server.script("/slow.csv", SourceServer.body(body));
        rig.server.script("/quick.csv", SourceServer.body(rows(10)));
        assertSucceeded(rig.run(slow));
        assertSucceeded(rig.run(quick));

        // The slow source's next publication stops half way, its load's transaction open, until the test says.
        byte[] next = rows(20_001);
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch rest = new CountDownLatch(1);
        rig.server.script("/slow.csv", exchange -> {
            exchange.sendResponseHeaders(200, next.length);
            OutputStream out = exchange.getResponseBody();
            out.write(next, 0, next.length / 2);
            out.flush();
            halfway.countDown();
            try {
                rest.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write(next, next.length / 2, next.length - next.length / 2);
        });
        rig.server.script("/quick.csv", SourceServer.body(rows(11)));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Run> held = pool.submit(() -> rig.run(patient(slow)));
            assertThat(halfway.await(30, TimeUnit.SECONDS)).isTrue();
            awaitLoadInProgress("slow_feed");

            Run other = rig.run(quick);
            assertSucceeded(other);
            assertThat(other.inserted()).isEqualTo(1);
            assertThat(held.isDone()).as("the slow load is still held open").isFalse();

            rest.countDown();
            Run slowRun = held.get(60, TimeUnit.SECONDS);
            assertSucceeded(slowRun);
            assertThat(slowRun.inserted()).isEqualTo(1);
        } finally {
            rest.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void first_loads_into_one_new_schema_at_the_same_moment_all_succeed() throws Exception {
        for (int round = 0; round < 3; round++) {
            String schema = "fresh_" + round;
            int pipelines = 4;
            CountDownLatch gate = new CountDownLatch(1);
            CountDownLatch waiting = new CountDownLatch(pipelines);
            List<PipelineSpec> specs = new ArrayList<>();
            for (int i = 0; i < pipelines; i++) {
                String path = "/" + schema + "_" + i + ".csv";
                rig.server.script(path, SourceServer.gated(waiting, gate, SourceServer.body(rows(50))));
                specs.add(pipeline(schema.replace('_', '-') + "-" + i, schema, path));
            }
            ExecutorService pool = Executors.newFixedThreadPool(pipelines);
            try {
                List<Future<Run>> runs = new ArrayList<>();
                specs.forEach(spec -> runs.add(pool.submit(() -> rig.run(spec))));
                assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue(); // every run waits for its source
                gate.countDown();
                for (Future<Run> run : runs) {
                    assertSucceeded(run.get(60, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(rig.count(
                            "select count(*) from information_schema.tables where table_schema = '" + schema + "'"))
                    .isEqualTo(pipelines);
            assertThat(rig.text("select has_schema_privilege('sluice_reader', '" + schema + "', 'USAGE')"))
                    .contains("t");
        }
    }

    @Test
    void two_databases_of_a_new_cluster_migrated_at_the_same_moment_both_get_the_dashboard_role() throws Exception {
        try (EmbeddedPostgres cluster = EmbeddedPostgres.builder().start()) {
            for (int round = 0; round < 3; round++) {
                List<String> urls = new ArrayList<>();
                try (Connection c = DriverManager.getConnection(cluster.getJdbcUrl("postgres", "postgres"));
                        Statement st = c.createStatement()) {
                    for (int i = 0; i < 2; i++) {
                        st.execute("create database db_" + round + "_" + i);
                        urls.add("jdbc:postgresql://localhost:" + cluster.getPort() + "/db_" + round + "_" + i
                                + "?user=postgres");
                    }
                }
                CountDownLatch together = new CountDownLatch(1);
                ExecutorService pool = Executors.newFixedThreadPool(2);
                List<Future<Database>> opened = new ArrayList<>();
                try {
                    for (String url : urls) {
                        opened.add(pool.submit(() -> {
                            together.await();
                            return TestDatabase.open(url, Files.createTempDirectory(rig.home, "cluster"));
                        }));
                    }
                    together.countDown();
                    for (Future<Database> database : opened) {
                        database.get(60, TimeUnit.SECONDS).close();
                    }
                } finally {
                    pool.shutdownNow();
                }
                try (Connection c = DriverManager.getConnection(cluster.getJdbcUrl("postgres", "postgres"));
                        Statement st = c.createStatement()) {
                    for (int i = 0; i < 2; i++) {
                        try (var rs = st.executeQuery("select has_database_privilege('sluice_reader', 'db_" + round
                                + "_" + i + "', 'CONNECT')")) {
                            rs.next();
                            assertThat(rs.getBoolean(1)).isTrue();
                        }
                    }
                    for (int i = 0; i < 2; i++) {
                        st.execute("drop database db_" + round + "_" + i);
                    }
                    st.execute("drop role sluice_reader"); // the next round creates it afresh, again at once
                }
            }
        }
    }

    private static PipelineSpec pipeline(String name, String schema, String path) throws Exception {
        Path file = Files.createTempDirectory(rig.home, name).resolve("p.yaml");
        Files.writeString(
                file,
                "name: " + name + "\nsources:\n  - name: s\n    url: " + rig.server.url(path) + "\n    key: [id]\n"
                        + "    columns:\n      - { header: id, type: integer }\n      - { header: v }\n"
                        + "target: { schema: " + schema + ", table: " + name.replace('-', '_') + " }\n",
                StandardCharsets.UTF_8);
        return TestRig.withFastFetch(new PipelineFileReader(Trust.none()).read(file.toString()));
    }

    /** The same pipeline waiting as long as a real source may take (the fast settings give up after 2 s). */
    private static PipelineSpec patient(PipelineSpec spec) {
        return TestRig.withFetch(spec, FetchSettings.DEFAULTS);
    }

    private static byte[] rows(int count) {
        StringBuilder out = new StringBuilder("id,v\n");
        for (int i = 1; i <= count; i++) {
            out.append(i).append(",value ").append(i).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Waits until the run's transaction holds its target's lock: the load is under way. */
    private static void awaitLoadInProgress(String table) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (rig.count("select count(*) from pg_locks l join pg_class c on c.oid = l.relation where c.relname = '"
                            + table + "' and l.mode = 'ShareRowExclusiveLock' and l.granted")
                    > 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the slow load never took its table's lock");
    }

    private static void assertSucceeded(Run run) {
        assertThat(run.status())
                .as(run.error().map(RunError::message).orElse(""))
                .isEqualTo(RunStatus.SUCCEEDED);
    }
}
