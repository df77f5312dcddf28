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
        assertThat(days).hasSize(6);
        // Expected counts by hand from SyntheticSources: 711 dates on day 1, one more each day, 40 dates revised on
        // day 3, a negative value on day 4, days 4 and 5 both new on day 5.
        assertThat(days.get(0)).contains("SUCCEEDED 711 inserted, 0 updated, 0 unchanged");
        assertThat(days.get(1)).contains("SUCCEEDED 1 inserted, 0 updated, 711 unchanged");
        assertThat(days.get(2)).contains("SUCCEEDED 1 inserted, 40 updated, 672 unchanged");
        assertThat(days.get(3))
                .contains("FAILED INVALID_VALUE")
                .contains("column deaths: '-12'")
                .contains("notified the demo inbox");
        assertThat(days.get(4)).contains("SUCCEEDED 2 inserted, 0 updated, 713 unchanged");
        assertThat(days.get(5)).contains("SUCCEEDED 1 inserted, 0 updated, 715 unchanged");
        assertThat(home.resolve("demo").resolve("pg").resolve("PG_VERSION")).exists();
        assertThat(home.resolve("pg"))
                .as("the demo never touches the real database")
                .doesNotExist();

        SluiceProcess.Result again = SluiceProcess.run(Map.of("SLUICE_HOME", home.toString()), "demo", "--no-serve");
        assertThat(again.stdout().lines().filter(l -> l.startsWith("  day ")).toList())
                .isEqualTo(days);
    }
}
