package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.SluiceProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice demo} as a user runs it, offline: the simulated days and their outcomes. */
class DemoIT {
    @TempDir
    Path home;

    @Test
    void the_demo_loads_revises_fails_once_and_recovers_in_its_own_database() {
        SluiceProcess.Result result = SluiceProcess.run(Map.of("SLUICE_HOME", home.toString()), "demo", "--no-serve");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        List<String> days =
                result.stdout().lines().filter(l -> l.startsWith("  day ")).toList();
        assertThat(days).hasSize(7);
        // Expected counts by hand from SyntheticSources: 711 dates on day 1, one more each day, 40 dates revised on
        // day 3, a negative value on day 4, days 4 and 5 both new on day 5; on day 6, three days later, the publisher
        // still serves day 5's files (the newest date 4 days behind, expect data_within 2d); on day 7 it catches up
        // with 4 dates.
        assertThat(days.get(0)).contains("SUCCEEDED 711 inserted, 0 updated, 0 unchanged");
        assertThat(days.get(1)).contains("SUCCEEDED 1 inserted, 0 updated, 711 unchanged");
        assertThat(days.get(2)).contains("SUCCEEDED 1 inserted, 40 updated, 672 unchanged");
        assertThat(days.get(3))
                .contains("FAILED INVALID_VALUE")
                .contains("column deaths: '-12'")
                .contains("notified the demo inbox");
        assertThat(days.get(4)).contains("SUCCEEDED 2 inserted, 0 updated, 713 unchanged");
        assertThat(days.get(5))
                .contains("files through 2022-01-04: UNCHANGED")
                .contains("late: nyt, jhu (notified the demo inbox)");
        assertThat(days.get(6))
                .contains("files through 2022-01-08: SUCCEEDED 4 inserted, 0 updated, 715 unchanged")
                .doesNotContain("late:");
        assertThat(home.resolve("demo").resolve("pg").resolve("PG_VERSION")).exists();
        assertThat(home.resolve("pg"))
                .as("the demo never touches the real database")
                .doesNotExist();

        SluiceProcess.Result again = SluiceProcess.run(Map.of("SLUICE_HOME", home.toString()), "demo", "--no-serve");
        assertThat(again.stdout().lines().filter(l -> l.startsWith("  day ")).toList())
                .isEqualTo(days);
    }

    /**
     * Stopping the served demo (SIGTERM, as Ctrl-C) says one line and stops its embedded PostgreSQL last: before,
     * the database's own exit hook stopped it first and the shutdown's delivery waited 10 s for a connection, with a
     * pool warning and a notifier error.
     */
    @Test
    void stopping_the_served_demo_says_one_line_and_stops_its_database_last() throws Exception {
        Path out = home.resolve("demo.out");
        Path err = home.resolve("demo.err");
        Process demo = SluiceProcess.start(Map.of("SLUICE_HOME", home.toString()), out, err, "demo", "--port", "0");
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
            while (!java.nio.file.Files.readString(out).contains("stop with Ctrl-C")) {
                assertThat(demo.isAlive())
                        .as(java.nio.file.Files.readString(err))
                        .isTrue();
                assertThat(System.nanoTime())
                        .as("the demo serves within two minutes")
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
            demo.destroy(); // SIGTERM
            assertThat(demo.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            demo.destroyForcibly();
        }
        String said = java.nio.file.Files.readString(err);
        String afterSignal = said.substring(said.indexOf("sluice: shutting down"));
        assertThat(afterSignal.lines().toList()).as(said).containsExactly("sluice: shutting down");
        assertThat(home.resolve("demo").resolve("pg").resolve("postmaster.pid"))
                .as("the embedded PostgreSQL stopped with the demo")
                .doesNotExist();
    }
}
