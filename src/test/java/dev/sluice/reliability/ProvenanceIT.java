package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunStatus;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code target.provenance} in every mode: a source of two files, loaded, then republished with one value changed in
 * the second file and one row added to the first. Rows the second run wrote carry its start, its id and their own
 * file; rows it left as they were keep the first run's.
 */
class ProvenanceIT {
    private TestRig rig;

    @BeforeEach
    void setUp() {
        rig = new TestRig();
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    private PipelineSpec pipeline(String mode) {
        String key = mode.equals("replace-unkeyed") ? "" : "    key: [date, name]\n";
        String target = mode.equals("replace-unkeyed") ? "replace" : mode;
        return TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                .parse(
                        "p.yaml",
                        """
                        name: p
                        sources:
                          - name: p
                            urls: [%s, %s]
                        %s    columns:
                              - { header: date, type: date }
                              - { header: name }
                              - { header: value, type: integer }
                        target:
                          table: p
                          mode: %s
                          provenance: [loaded_at, run_id, source_file]
                        """.formatted(rig.server.url("/one.csv"), rig.server.url("/two.csv"), key, target),
                        Optional.empty()));
    }

    private void publish(String path, String csv) {
        rig.server.script(path, SourceServer.body(csv.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"upsert", "mirror", "append", "replace", "replace-unkeyed", "history"})
    void rows_a_run_writes_carry_its_time_id_and_file_and_the_others_keep_theirs(String mode) {
        PipelineSpec spec = pipeline(mode);
        String one = rig.server.url("/one.csv").toString();
        String two = rig.server.url("/two.csv").toString();
        publish("/one.csv", "date,name,value\n2026-01-01,a,1\n");
        publish("/two.csv", "date,name,value\n2026-01-02,a,2\n");
        Run first = rig.run(spec);
        assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
        publish("/one.csv", "date,name,value\n2026-01-01,a,1\n2026-01-01,b,3\n");
        publish("/two.csv", "date,name,value\n2026-01-02,a,20\n");
        Run second = rig.run(spec);
        assertThat(second.status()).isEqualTo(RunStatus.SUCCEEDED);

        String current = mode.equals("history") ? " where valid_to is null" : "";
        List<String> rows = rig
                .rows("select date::text, name, value::text, run_id::text, source_file,"
                        + " (loaded_at = (select started_at from sluice.runs r where r.id = p.run_id))::text from p"
                        + current + " order by date, name, value, run_id")
                .stream()
                .map(r -> String.join("|", r))
                .toList();
        String r1 = String.valueOf(first.id());
        String r2 = String.valueOf(second.id());
        List<String> expected = switch (mode) {
            // Append adds the second publication's files whole: both files are new bodies.
            case "append" ->
                List.of(
                        "2026-01-01|a|1|" + r1 + "|" + one + "|true",
                        "2026-01-01|a|1|" + r2 + "|" + one + "|true",
                        "2026-01-01|b|3|" + r2 + "|" + one + "|true",
                        "2026-01-02|a|2|" + r1 + "|" + two + "|true",
                        "2026-01-02|a|20|" + r2 + "|" + two + "|true");
            // Replace rewrites every row when anything changed.
            case "replace", "replace-unkeyed" ->
                List.of(
                        "2026-01-01|a|1|" + r2 + "|" + one + "|true",
                        "2026-01-01|b|3|" + r2 + "|" + one + "|true",
                        "2026-01-02|a|20|" + r2 + "|" + two + "|true");
            default ->
                List.of(
                        "2026-01-01|a|1|" + r1 + "|" + one + "|true",
                        "2026-01-01|b|3|" + r2 + "|" + one + "|true",
                        "2026-01-02|a|20|" + r2 + "|" + two + "|true");
        };
        assertThat(rows).containsExactlyElementsOf(expected);
    }
}
