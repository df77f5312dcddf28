package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A source's {@code duplicate_keys}: a publisher that repeats a key fails the run by default; {@code keep_first} and
 * {@code keep_last} load one row of each key, count the others and say which, on a first load and on the next.
 */
class DuplicateKeyPolicyIT {
    private static TestRig rig;

    @BeforeAll
    static void start() {
        rig = new TestRig();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"fail, ", "keep_first, a|b|c", "keep_last, z|b|y"})
    void a_repeated_key_fails_or_keeps_the_row_the_policy_names(String policy, String kept) {
        String table = "dup_" + policy;
        rig.server.script(
                "/" + table + ".csv",
                SourceServer.body("id,v\n1,a\n2,b\n1,z\n3,c\n3,x\n3,y\n".getBytes(StandardCharsets.UTF_8)));
        PipelineSpec spec = TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                .parse(
                        table,
                        """
                        name: %s
                        sources:
                          - name: s
                            url: %s
                            key: [id]
                            duplicate_keys: %s
                            columns:
                              - { header: id, type: integer }
                              - { header: v }
                        target: { table: %s }
                        """.formatted(table.replace('_', '-'), rig.server.url("/" + table + ".csv"), policy, table),
                        Optional.empty()));

        Run run = rig.run(spec);
        if (policy.equals("fail")) {
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.DUPLICATE_KEY);
            assertThat(run.error().orElseThrow().message()).contains("key id = 1 appears on lines 2, 4");
            return;
        }
        assertThat(run.status())
                .as(run.error().map(RunError::message).orElse(""))
                .isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.inserted()).isEqualTo(3);
        assertThat(run.warnings())
                .contains("s: 3 rows repeated the key of another row and were left out (duplicate_keys: " + policy
                        + "); the first: id = 1 on lines 2, 4");
        assertThat(rig.rows("select v from " + table + " order by id").stream()
                        .map(r -> r.get(0))
                        .toList())
                .isEqualTo(List.of(kept.split("\\|")));

        // The next publication repeats a key too: compared with the table as one row per key.
        rig.server.script(
                "/" + table + ".csv",
                SourceServer.body("id,v\n1,a\n1,z\n2,b\n3,c\n3,y\n".getBytes(StandardCharsets.UTF_8)));
        Run next = rig.run(spec);
        assertThat(next.status())
                .as(next.error().map(RunError::message).orElse(""))
                .isEqualTo(RunStatus.SUCCEEDED);
        // Each policy keeps the same row of each key as the day before: nothing changed.
        assertThat(List.of(next.inserted(), next.updated(), next.unchanged())).containsExactly(0L, 0L, 3L);
    }
}
