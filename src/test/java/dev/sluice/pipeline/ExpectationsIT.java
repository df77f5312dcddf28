package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.config.PipelineConfigException;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.ExpectationResult;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.testing.FailureWitness;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each kind of declared expectation passing and failing on a small hand-written feed: a failure of severity fail
 * rolls the run back (the table exactly as it was), fails it as EXPECTATION_FAILED naming the expectation and a few
 * failing values, and is notified; severity warn commits with a warning; every result is recorded with the run.
 */
class ExpectationsIT {
    /** Two series (a, b), one row per day each; ref is unique; code three capitals; value never negative. */
    private static final String GOOD = """
            date,name,ref,code,value
            2026-01-01,a,r1,AAA,1
            2026-01-01,b,r2,BBB,2
            2026-01-02,a,r3,AAA,3
            2026-01-02,b,r4,BBB,
            """;

    private static final String EXPECTATIONS = """
            expectations:
              - { column: name, accepted_values: [a, b] }
              - { column: code, pattern: '^[A-Z]{3}$' }
              - { column: ref, unique: true }
              - { column: value, max_null_share: 30% }
              - { no_gaps: day }
              - { max_revised: 1 }
              - { rows_per_period: { min: 2, max: 2 } }
              - name: no negative values
                sql: select date, name, value from {table} where value < 0
            """;

    private TestRig rig;
    private FailureWitness witness;
    private PipelineSpec spec;

    @BeforeEach
    void setUp() {
        rig = new TestRig();
        witness = new FailureWitness(rig, "daily", "date, name");
        spec = witness.watch(pipeline(EXPECTATIONS));
        publish(GOOD);
        Run first = rig.run(spec);
        assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(first.audit().expectations())
                .extracting(ExpectationResult::name)
                .containsExactly(
                        "name accepted_values",
                        "code pattern",
                        "ref unique",
                        "value max_null_share",
                        "no_gaps",
                        "max_revised",
                        "rows_per_period",
                        "no negative values");
        assertThat(first.audit().expectations()).allMatch(ExpectationResult::passed);
        assertThat(rig.text("select jsonb_array_length(expectations)::text from sluice.runs where id = " + first.id()))
                .hasValue("8");
    }

    @AfterEach
    void tearDown() {
        witness.close();
        rig.close();
    }

    private PipelineSpec pipeline(String expectations) {
        return TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                .parse("daily.yaml", """
                        name: daily
                        sources:
                          - name: daily
                            url: %s
                            key: [date, name]
                            columns:
                              - { header: date, type: date }
                              - { header: name }
                              - { header: ref }
                              - { header: code }
                              - { header: value, type: integer, required: false }
                        target:
                          table: daily
                        """.formatted(rig.server.url("/daily.csv")) + expectations, Optional.empty()));
    }

    private void publish(String csv) {
        rig.server.script("/daily.csv", SourceServer.body(csv.getBytes(StandardCharsets.UTF_8)));
    }

    /** Publishes {@code csv}, which breaks one expectation, and checks the run failed cleanly, naming it. */
    private String failsOn(String csv, String expectation) {
        witness.remember();
        publish(csv);
        Run run = rig.run(spec);
        RunError error = witness.assertFailedCleanly(spec, run, ErrorKind.EXPECTATION_FAILED);
        assertThat(run.audit().expectations())
                .filteredOn(r -> !r.passed())
                .extracting(ExpectationResult::name)
                .containsExactly(expectation);
        assertThat(error.message()).startsWith("expectation '" + expectation + "' failed: ");
        JsonNode recorded = witness.notification(spec, run.id());
        assertThat(recorded.at("/error/message").asText()).isEqualTo(error.message());
        return error.message();
    }

    @Test
    void a_value_outside_the_accepted_ones_fails_naming_it() {
        String message = failsOn(GOOD + "2026-01-03,a,r5,AAA,5\n2026-01-03,c,r6,CCC,6\n", "name accepted_values");
        assertThat(message).endsWith("1 rows of name outside [a, b], such as 'c'");
    }

    @Test
    void a_value_not_matching_the_pattern_fails_naming_it() {
        String message = failsOn(GOOD + "2026-01-03,a,r5,AAA,5\n2026-01-03,b,r6,B2B,6\n", "code pattern");
        assertThat(message).endsWith("1 rows of code not matching ^[A-Z]{3}$, such as 'B2B'");
    }

    @Test
    void a_repeated_value_fails_unique() {
        String message = failsOn(GOOD + "2026-01-03,a,r5,AAA,5\n2026-01-03,b,r1,BBB,6\n", "ref unique");
        assertThat(message).endsWith("1 values of ref appear more than once, such as 'r1 (2 rows)'");
    }

    @Test
    void too_many_missing_values_fail_max_null_share() {
        String message = failsOn(GOOD + "2026-01-03,a,r5,AAA,\n2026-01-03,b,r6,BBB,6\n", "value max_null_share");
        assertThat(message)
                .isEqualTo("expectation 'value max_null_share' failed: 2 of 6 rows have no value;"
                        + " max_null_share allows 30%");
    }

    @Test
    void a_missing_day_in_a_series_fails_no_gaps() {
        String message =
                failsOn(GOOD + "2026-01-03,a,r5,AAA,5\n2026-01-04,a,r7,AAA,7\n" + "2026-01-04,b,r8,BBB,8\n", "no_gaps");
        assertThat(message)
                .endsWith("1 gaps of more than one day in date, such as 'b: after 2026-01-02 next 2026-01-04'");
    }

    @Test
    void rewriting_more_past_rows_than_allowed_fails_max_revised() {
        String revised = GOOD.replace("2026-01-01,a,r1,AAA,1", "2026-01-01,a,r1,AAA,10")
                .replace("2026-01-01,b,r2,BBB,2", "2026-01-01,b,r2,BBB,20");
        String message = failsOn(revised, "max_revised");
        assertThat(message)
                .isEqualTo("expectation 'max_revised' failed: the run rewrites 2 of 4 existing rows; max_revised"
                        + " allows 1");
    }

    @Test
    void a_short_newest_period_fails_rows_per_period() {
        String message = failsOn(GOOD + "2026-01-03,a,r5,AAA,5\n", "rows_per_period");
        assertThat(message).endsWith("the newest period 2026-01-03 has 1 rows; expected from 2 to 2");
    }

    @Test
    void a_query_returning_rows_fails_naming_them() {
        String message = failsOn(GOOD + "2026-01-03,a,r5,AAA,-5\n2026-01-03,b,r6,BBB,6\n", "no negative values");
        assertThat(message).endsWith("1 rows returned by the query, such as '(2026-01-03,a,-5)'");
    }

    @Test
    void a_warning_commits_and_says_so() {
        spec = witness.watch(
                pipeline("expectations:\n  - { column: name, accepted_values: [a, b], severity: warn }\n"));
        publish(GOOD + "2026-01-03,c,r6,CCC,6\n");
        Run run = rig.run(spec);
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.inserted()).isEqualTo(1);
        assertThat(run.warnings())
                .contains("expectation 'name accepted_values' failed (warn): 1 rows of name outside [a, b], such as"
                        + " 'c'");
        assertThat(run.audit().failed())
                .singleElement()
                .satisfies(r -> assertThat(r.blocks()).isFalse());
    }

    @Test
    void a_misdeclared_expectation_is_a_configuration_error_naming_its_field() {
        Assertions.assertThatThrownBy(() -> pipeline("expectations:\n  - { column: nope, unique: true }\n"))
                .isInstanceOf(PipelineConfigException.class)
                .hasMessageContaining("expectations[0].column")
                .hasMessageContaining("no column 'nope'");
        Assertions.assertThatThrownBy(() ->
                        pipeline("expectations:\n  - name: two\n    sql: select * from {table}; drop table daily\n"))
                .isInstanceOf(PipelineConfigException.class)
                .hasMessageContaining("one query, without ';'");
        assertThat(List.of(rig.count("select count(*) from daily"))).containsExactly(4L);
    }
}
