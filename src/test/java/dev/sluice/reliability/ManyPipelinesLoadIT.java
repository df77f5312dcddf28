package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testing.SluiceProcess;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team's morning: 100 pipelines of one directory, due on the same minute, run by two {@code sluice serve}
 * replicas against one PostgreSQL, each allowed four runs at once, with a mix of sources: small files, large ones,
 * slow ones that trickle for seconds, ones whose publication is invalid and ones whose server answers 500. One
 * replica is killed with SIGKILL while runs are under way. Every due run then happens exactly once (a run killed
 * with its replica is recorded INTERRUPTED and done again by the other, as its execution was due and not done), no
 * pipeline fails because of another, the failing ones fail for their own reason and are notified, no replica ran more
 * than four at once, and each stayed within its heap. Figures go to {@code target/load-test.txt} and
 * docs/reliability.md. Slow (two to three minutes): {@code -Pslow}.
 */
@Tag("slow")
class ManyPipelinesLoadIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PIPELINES = 100;
    private static final int MAX_RUNS = 4;

    @TempDir
    Path home;

    /** What a pipeline's source does, and the outcome its one due run must have. */
    private enum Kind {
        SMALL("SUCCEEDED"),
        LARGE("SUCCEEDED"),
        SLOW("SUCCEEDED"),
        INVALID("FAILED INVALID_VALUE"),
        SERVER_ERROR("FAILED SOURCE_UNAVAILABLE");

        final String outcome;

        Kind(String outcome) {
            this.outcome = outcome;
        }

        static Kind of(int i) {
            return switch (i % 10) {
                case 1, 2 -> LARGE;
                case 3 -> SLOW;
                case 4 -> i % 20 == 4 ? INVALID : SERVER_ERROR;
                default -> SMALL;
            };
        }
    }

    /** The replicas started, killed at the end whatever happened: none outlives the test. */
    private final List<Process> replicas = new ArrayList<>();

    @Test
    void a_hundred_pipelines_due_at_once_on_two_replicas_one_killed_run_exactly_once() throws Exception {
        try {
            load();
        } finally {
            for (Process replica : replicas) {
                replica.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            // What the replicas said, kept where CI keeps the reports.
            for (int r = 0; r < 2; r++) {
                Path err = home.resolve("replica-" + r + ".err");
                if (Files.exists(err)) {
                    Files.copy(
                            err,
                            Path.of("target", "load-test-replica-" + r + ".err"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private void load() throws Exception {
        String db = TestDatabase.createDatabase();
        Path pipelines = Files.createDirectories(home.resolve("pipelines"));
        try (SourceServer sources = new SourceServer();
                SourceServer receiver = new SourceServer()) {
            receiver.script("/hook", SourceServer.status(204));
            Map<String, Kind> kinds = new TreeMap<>();
            for (int i = 0; i < PIPELINES; i++) {
                String name = String.format(Locale.ROOT, "feed-%03d", i);
                Kind kind = Kind.of(i);
                kinds.put(name, kind);
                sources.script("/" + name + ".csv", source(kind));
                Files.writeString(pipelines.resolve(name + ".yaml"), pipeline(name, sources.url("/" + name + ".csv")));
            }
            Map<String, String> env = Map.of(
                    "SLUICE_HOME",
                    home.toString(),
                    "SLUICE_DB_POOL_SIZE",
                    "8",
                    "SLUICE_MAX_CONCURRENT_RUNS",
                    String.valueOf(MAX_RUNS),
                    "SLUICE_WEBHOOK_URL",
                    receiver.url("/hook").toString(),
                    "SLUICE_PLAINTEXT_HOSTS",
                    "127.0.0.1",
                    "SLUICE_LOG_LEVEL",
                    "WARN");
            for (int r = 0; r < 2; r++) {
                Path out = home.resolve("replica-" + r + ".out");
                Process serve = SluiceProcess.start(
                        List.of("-Xmx256m"),
                        env,
                        out,
                        home.resolve("replica-" + r + ".err"),
                        "serve",
                        "--pipelines",
                        pipelines.toString(),
                        "--db",
                        db,
                        "--port",
                        "0");
                SluiceProcess.awaitPort(serve, out, home.resolve("replica-" + r + ".err"));
                replicas.add(serve);
            }
            awaitCount(
                    db, "select count(*) from sluice.scheduled_tasks where task_name = 'sluice-pipeline'", PIPELINES);

            // The minute arrives for all of them at once.
            long start = System.nanoTime();
            execute(db, "update sluice.scheduled_tasks set execution_time = now() where task_name = 'sluice-pipeline'");

            // Kill one replica while it runs: once a quarter of the runs are recorded.
            awaitCount(db, "select count(*) from sluice.runs", PIPELINES / 4);
            Process killed = replicas.get(0);
            long killedPeakKb = peakKb(killed.pid());
            killed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

            // Every pipeline ends with its one due run done; a run killed mid-way is done again (dead after 40 s).
            awaitCount(
                    db,
                    "select count(distinct pipeline) from sluice.runs where status in ('SUCCEEDED', 'FAILED')"
                            + " and coalesce(error->>'kind', '') <> 'INTERRUPTED'",
                    PIPELINES);
            double seconds = (System.nanoTime() - start) / 1e9;
            long survivorPeakKb = peakKb(replicas.get(1).pid());
            // Every run, for reading a failure: when it was due, started and finished.
            try (Connection c = DriverManager.getConnection(db);
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("select string_agg(concat_ws(' ', id, pipeline, status,"
                            + " error->>'kind', scheduled_for, started_at, finished_at), E'\\n' order by started_at)"
                            + " from sluice.runs")) {
                rs.next();
                Files.writeString(Path.of("target", "load-test-runs.txt"), rs.getString(1) + "\n");
            }

            Map<String, List<String>> outcomes = new TreeMap<>();
            long interrupted = 0;
            try (Connection c = DriverManager.getConnection(db);
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("select pipeline, status || coalesce(' ' || (error->>'kind'), '')"
                            + " from sluice.runs order by id")) {
                while (rs.next()) {
                    String outcome = rs.getString(2);
                    if (outcome.endsWith("INTERRUPTED")) {
                        interrupted++;
                        continue;
                    }
                    outcomes.computeIfAbsent(rs.getString(1), p -> new ArrayList<>())
                            .add(outcome);
                }
            }
            Map<String, Long> byOutcome = new TreeMap<>();
            for (Map.Entry<String, Kind> pipeline : kinds.entrySet()) {
                assertThat(outcomes.get(pipeline.getKey()))
                        .as("%s (%s): one run, for its own reason", pipeline.getKey(), pipeline.getValue())
                        .containsExactly(pipeline.getValue().outcome);
                byOutcome.merge(pipeline.getValue().outcome, 1L, Long::sum);
            }
            assertThat(count(db, "select count(*) from sluice.runs where status = 'RUNNING'"))
                    .as("no run is left RUNNING")
                    .isZero();
            // Each failure is notified (by the replica that ran it, or by the survivor's delivery loop).
            awaitNotified(kinds, receiver, interrupted);
            // A run killed with its replica is closed only when its pipeline runs again: left out of the overlap.
            String done = " where coalesce(error->>'kind', '') <> 'INTERRUPTED'";
            long peakRuns = count(
                    db,
                    "select max(n) from (select count(*) as n from (select * from sluice.runs" + done + ") a join"
                            + " (select * from sluice.runs" + done + ") b on b.started_at <= a.started_at and"
                            + " b.finished_at > a.started_at group by a.id) x");
            assertThat(peakRuns)
                    .as("runs at once, two replicas of %d each", MAX_RUNS)
                    .isLessThanOrEqualTo(2L * MAX_RUNS);
            assertThat(replicas.get(1).isAlive())
                    .as("the survivor is alive, within its heap")
                    .isTrue();
            String figures = String.format(
                    Locale.ROOT,
                    "pipelines %d, replicas 2 (one killed with SIGKILL after %d runs), max runs per replica %d;"
                            + " every due run once: %d; runs killed and done again: %d; duplicates 0, lost 0;"
                            + " outcomes %s; runs at once at most %d; all done %.1f s after the minute came;"
                            + " peak RSS of the killed replica %d MB, of the survivor %d MB (-Xmx256m)",
                    PIPELINES,
                    PIPELINES / 4,
                    MAX_RUNS,
                    outcomes.size(),
                    interrupted,
                    byOutcome,
                    peakRuns,
                    seconds,
                    killedPeakKb / 1024,
                    survivorPeakKb / 1024);
            Files.writeString(Path.of("target", "load-test.txt"), figures + "\n");
            replicas.get(1).destroy();
            assertThat(replicas.get(1).waitFor(90, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static SourceServer.Step source(Kind kind) {
        return switch (kind) {
            case SMALL -> SourceServer.body(rows(50));
            case LARGE -> SourceServer.body(rows(60_000));
            case SLOW -> {
                byte[] body = rows(2_000);
                yield exchange -> {
                    exchange.sendResponseHeaders(200, body.length);
                    OutputStream out = exchange.getResponseBody();
                    int chunk = body.length / 40;
                    for (int sent = 0; sent < body.length; sent += chunk) {
                        out.write(body, sent, Math.min(chunk, body.length - sent));
                        out.flush();
                        try {
                            Thread.sleep(150); // six seconds in all, well above 1 KiB/s
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                    out.close();
                };
            }
            case INVALID -> SourceServer.body("id,v\n1,a\nnot-a-number,b\n".getBytes(StandardCharsets.UTF_8));
            case SERVER_ERROR -> SourceServer.status(500);
        };
    }

    private static byte[] rows(int count) {
        StringBuilder out = new StringBuilder("id,v\n");
        for (int i = 1; i <= count; i++) {
            out.append(i).append(",value ").append(i).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Due at 03:00 every day: the test makes it due now, once. */
    private static String pipeline(String name, java.net.URI url) {
        return "name: " + name + "\nschedule: { cron: \"0 0 3 * * *\", zone: UTC }\nsources:\n  - name: s\n"
                + "    url: " + url + "\n    fetch: { attempts: 2, backoff: 200ms, read_timeout: 20s }\n"
                + "    key: [id]\n    columns:\n      - { header: id, type: integer }\n      - { header: v }\n"
                + "target: { table: " + name.replace('-', '_') + " }\n";
    }

    /**
     * Every failed pipeline's own failure reached the webhook once, and each run killed with its replica was notified
     * once as interrupted (a replica's death is news to whoever runs it), whichever pipeline it was; nothing else.
     */
    private static void awaitNotified(Map<String, Kind> kinds, SourceServer receiver, long interrupted)
            throws Exception {
        List<String> failing = kinds.entrySet().stream()
                .filter(e -> e.getValue().outcome.startsWith("FAILED"))
                .map(Map.Entry::getKey)
                .toList();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<String, List<String>> notified = notified(receiver);
        while (System.nanoTime() < deadline
                && !(failing.stream()
                                .allMatch(
                                        p -> notified.getOrDefault(p, List.of()).contains(kinds.get(p).outcome))
                        && interruptions(notified) >= interrupted)) {
            Thread.sleep(200);
            notified.clear();
            notified.putAll(notified(receiver));
        }
        for (String pipeline : failing) {
            assertThat(notified.getOrDefault(pipeline, List.of()))
                    .as(pipeline + " is notified of its own failure, once")
                    .containsOnlyOnce(kinds.get(pipeline).outcome);
        }
        notified.forEach((pipeline, outcomes) -> assertThat(outcomes)
                .as(pipeline + ": its own failure and its interruption only")
                .allMatch(o -> o.equals(kinds.get(pipeline).outcome) || o.equals("FAILED INTERRUPTED")));
        assertThat(interruptions(notified))
                .as("each interrupted run notified once")
                .isEqualTo(interrupted);
    }

    private static long interruptions(Map<String, List<String>> notified) {
        return notified.values().stream()
                .flatMap(List::stream)
                .filter("FAILED INTERRUPTED"::equals)
                .count();
    }

    /** The outcomes the webhook received ({@code FAILED SOURCE_UNAVAILABLE}), by pipeline. */
    private static Map<String, List<String>> notified(SourceServer receiver) throws java.io.IOException {
        Map<String, List<String>> notified = new HashMap<>();
        for (SourceServer.Request request : receiver.requests("/hook")) {
            JsonNode run = JSON.readTree(request.body());
            notified.computeIfAbsent(run.get("pipeline").asText(), p -> new ArrayList<>())
                    .add(run.get("status").asText()
                            + (run.path("error").path("kind").isTextual()
                                    ? " " + run.path("error").path("kind").asText()
                                    : ""));
        }
        return notified;
    }

    private static long peakKb(long pid) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static void execute(String db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db);
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static long count(String db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitCount(String db, String sql, long atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline && count(db, sql) < atLeast) {
            Thread.sleep(250);
        }
        assertThat(count(db, sql)).as(sql).isGreaterThanOrEqualTo(atLeast);
    }
}
