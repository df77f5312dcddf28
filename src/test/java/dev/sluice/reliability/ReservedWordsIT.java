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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SQL names that are reserved words, and values that look like SQL, go through every statement sluice writes (create,
 * binary COPY, staging, diff, upsert, change log) as plain names and plain data.
 */
class ReservedWordsIT {
    private static final String PIPELINE = """
            name: reserved
            sources:
              - name: select
                url: https://example.org/a.csv
                key: [order]
                columns:
                  - { header: order, type: integer }
                  - { header: from, type: text }
                  - { header: "Group By", as: group, type: date, required: false }
            target: { schema: public, table: user }
            """;

    @Test
    void a_table_and_columns_named_by_reserved_words_load_and_update_like_any_other() {
        try (TestRig rig = new TestRig()) {
            PipelineSpec spec = TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                    .parse("reserved.yaml", PIPELINE, Optional.empty())
                    .withSourceUrls(Map.of("select", rig.server.url("/a.csv"))));
            String hostile = "x\"; drop table \"user\"; --";
            rig.server.script(
                    "/a.csv",
                    SourceServer.body(
                            ("order,from,Group By\n1,a;b,2020-01-01\n2,\"" + hostile.replace("\"", "\"\"") + "\",\n")
                                    .getBytes(StandardCharsets.UTF_8)));
            Run first = rig.run(spec);
            assertThat(first.status())
                    .as(first.error().map(e -> e.message()).orElse(""))
                    .isEqualTo(RunStatus.SUCCEEDED);
            assertThat(first.inserted()).isEqualTo(2);

            rig.server.script(
                    "/a.csv",
                    SourceServer.body(("order,from,Group By\n1,a;b,2020-01-01\n2,'; delete from"
                                    + " sluice.runs; --,2020-01-02\n")
                            .getBytes(StandardCharsets.UTF_8)));
            Run second = rig.run(spec);
            assertThat(List.of(second.inserted(), second.updated(), second.unchanged()))
                    .isEqualTo(List.of(0L, 1L, 1L));

            assertThat(rig.rows("select \"order\", \"from\", \"group\" from public.\"user\" order by 1"))
                    .isEqualTo(List.of(
                            Arrays.asList("1", "a;b", "2020-01-01"),
                            Arrays.asList("2", "'; delete from sluice.runs; --", "2020-01-02")));
            assertThat(rig.count("select count(*) from sluice.runs")).isEqualTo(2);
            assertThat(rig.text("select old_values::text from sluice.change_log where run_id = " + second.id()))
                    .hasValueSatisfying(old -> assertThat(old).contains("drop table"));
        }
    }
}
