package dev.sluice.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.testing.TestRig;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a file can make {@code sluice init} spend is bounded: a header of 16,000 columns is refused as more than a
 * table holds (it once took 2.3 GB and minutes), and a key search over dozens of columns with a few values each
 * finishes within its budget (it once took four minutes). The timeouts here are a guard against hanging, not a
 * measurement: the closing note and docs/benchmarks.md give the times.
 */
class InitBoundsIT {
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
    @Timeout(120)
    void a_file_of_16000_columns_is_refused_as_more_than_a_table_holds() throws IOException {
        Path dir = Files.createTempDirectory(rig.home, "columns");
        Path file = dir.resolve("wide.csv");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int row = 0; row < 500; row++) {
                for (int c = 0; c < 16_000; c++) {
                    out.write(c == 0 ? "" : ",");
                    out.write(row == 0 ? "c" + c : String.valueOf(c % 7));
                }
                out.write('\n');
            }
        }
        assertThatThrownBy(() -> rig.wiring
                        .initializer()
                        .initialize(new Initializer.Request(List.of(file.toString()), Optional.empty(), dir)))
                .isInstanceOf(SluiceException.class)
                .satisfies(e -> assertThat(((SluiceException) e).kind()).isEqualTo(ErrorKind.CONFIG))
                .hasMessageContaining("has 16,000 columns; a PostgreSQL table holds at most 1,600");
    }

    @Test
    @Timeout(120)
    void a_key_search_over_many_columns_of_few_values_ends_and_loads_the_file_whole() throws IOException {
        Path dir = Files.createTempDirectory(rig.home, "lowcardinality");
        Path file = dir.resolve("answers.csv");
        Random random = new Random(11);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int c = 0; c < 40; c++) {
                out.write(c == 0 ? "q" + c : ",q" + c);
            }
            out.write('\n');
            for (int row = 0; row < 60_000; row++) {
                for (int c = 0; c < 40; c++) {
                    out.write(c == 0 ? "" : ",");
                    out.write("abc".charAt(random.nextInt(3)));
                }
                out.write('\n');
            }
        }
        Initializer.Result result = rig.wiring
                .initializer()
                .initialize(new Initializer.Request(List.of(file.toString()), Optional.empty(), dir));
        assertThat(result.key()).isEmpty();
        assertThat(result.yaml()).contains("mode: replace");
    }
}
