package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SluiceProcess;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two, then ten, {@code sluice run} processes of one pipeline at once, as overlapping cron jobs would start them. The
 * first to take the run lock holds it while its download is held open by the test; every other one ends at once as
 * SKIPPED_LOCKED (exit 3) without downloading anything; then the holder loads, alone.
 */
class ConcurrentRunsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @ParameterizedTest(name = "{0} runs at once")
    @ValueSource(ints = {2, 10})
    void exactly_one_of_several_concurrent_runs_loads_and_the_others_are_skipped(int runs) throws Exception {
        String db = TestDatabase.createDatabase();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        try (SourceServer server = new SourceServer()) {
            server.script(
                    "/nyt.csv",
                    SourceServer.gated(
                            entered, gate, SourceServer.body(SourceServer.read(SharedData.nyt("2022-04-19")))));
            server.serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
            String[] args = {
                "run",
                "--db",
                db,
                "--json",
                "--source",
                "nyt=" + server.url("/nyt.csv"),
                "--source",
                "jhu=" + server.url("/jhu.csv")
            };
            List<Process> processes = new ArrayList<>();
            List<Path> outputs = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                Path out = home.resolve("run-" + i + ".json");
                outputs.add(out);
                processes.add(SluiceProcess.start(
                        Map.of("SLUICE_HOME", home.toString()), out, home.resolve("run-" + i + ".err"), args));
            }
            assertThat(entered.await(120, TimeUnit.SECONDS))
                    .as("one run reached its download")
                    .isTrue();
            // While the holder's download is held open, every other run must end by itself.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (processes.stream().filter(Process::isAlive).count() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(processes.stream().filter(Process::isAlive).count())
                    .as("runs still alive")
                    .isEqualTo(1);
            gate.countDown();
            for (Process process : processes) {
                assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            }

            List<String> statuses = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                JsonNode run = JSON.readTree(Files.readString(outputs.get(i)));
                String status = run.get("status").asText();
                statuses.add(status);
                assertThat(processes.get(i).exitValue()).as(status).isEqualTo(status.equals("SUCCEEDED") ? 0 : 3);
                if (status.equals("SUCCEEDED")) {
                    assertThat(run.get("inserted").asLong()).isEqualTo(820);
                }
            }
            assertThat(statuses).filteredOn("SUCCEEDED"::equals).hasSize(1);
            assertThat(statuses).filteredOn("SKIPPED_LOCKED"::equals).hasSize(runs - 1);
            assertThat(server.requests("/nyt.csv")).hasSize(1);
            try (Connection c = DriverManager.getConnection(db);
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("select count(*) filter (where status = 'SUCCEEDED'),"
                            + " count(*) filter (where status = 'SKIPPED_LOCKED'), count(*) from sluice.runs")) {
                rs.next();
                assertThat(List.of(rs.getInt(1), rs.getInt(2), rs.getInt(3))).isEqualTo(List.of(1, runs - 1, runs));
            }
        }
    }
}
