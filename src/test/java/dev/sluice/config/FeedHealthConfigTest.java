package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The feed-health fields of a pipeline file: {@code expect}, {@code expectations}, {@code target.provenance}. */
class FeedHealthConfigTest {
    private static final String SOURCES = """
            name: demo
            sources:
              - name: a
                url: https://example.org/a.csv
                key: [day]
                columns:
                  - { header: day, type: date }
                  - { header: n, type: integer }
              - name: b
                url: https://example.org/b.csv
                key: [day]
                columns:
                  - { header: day, type: date }
                  - { header: m, type: integer }
                expect: { changes_within: 3d }
            join: { type: left, on: [day] }
            """;

    private final PipelineFileReader reader = new PipelineFileReader(Trust.none());

    private PipelineSpec read(String more) {
        return reader.parse("demo.yaml", SOURCES + "target:\n  table: t\n" + more, Optional.empty());
    }

    private PipelineConfigException error(String more) {
        PipelineConfigException e = catchThrowableOfType(PipelineConfigException.class, () -> read(more));
        assertThat(e).as("expected the file to be rejected").isNotNull();
        return e;
    }

    @Test
    void a_source_expects_its_own_rate_and_the_others_the_pipelines() {
        PipelineSpec spec = read("expect: { changes_within: 36h, data_within: 2d }\n");
        assertThat(spec.freshness().of("a").orElseThrow())
                .isEqualTo(new Freshness.Expected(Optional.of(Duration.ofHours(36)), Optional.of(Duration.ofDays(2))));
        assertThat(spec.freshness().of("b").orElseThrow())
                .isEqualTo(new Freshness.Expected(Optional.of(Duration.ofDays(3)), Optional.empty()));
        assertThat(spec.freshness().of("b").orElseThrow().describe()).isEqualTo("changes_within 3d");
        assertThat(read("").freshness().bySource().keySet()).containsExactly("b");
    }

    @Test
    void data_within_needs_a_time_in_the_key_and_expect_needs_a_bound() {
        String keyless = SOURCES.replace("type: date }", "type: text }");
        PipelineConfigException noTime = catchThrowableOfType(
                PipelineConfigException.class,
                () -> reader.parse(
                        "demo.yaml", keyless + "target:\n  table: t\nexpect: { data_within: 1d }\n", Optional.empty()));
        assertThat(noTime.getMessage()).contains("expect.data_within").contains("needs a date or timestamp column");
        assertThat(error("expect: {}\n").getMessage()).contains("expected changes_within, data_within or both");
        assertThat(error("expect: { changes_within: soon }\n").getMessage())
                .contains("expected a duration such as 500ms, 10s, 2m, 1h or 3d");
    }

    @Test
    void expectations_are_read_with_their_names_and_severities() {
        PipelineSpec spec = read("""
                expectations:
                  - { column: n, accepted_values: [1, 2] }
                  - { column: m, pattern: '^[0-9]+$', severity: warn }
                  - { no_gaps: week }
                  - { max_revised: 5% }
                  - { rows_per_period: { min: 1 } }
                  - name: positive
                    sql: select * from {table} where n < 0
                """);
        assertThat(spec.expectations())
                .extracting(Expectation::name)
                .containsExactly(
                        "n accepted_values", "m pattern", "no_gaps", "max_revised", "rows_per_period", "positive");
        assertThat(spec.expectations().get(1).severity()).isEqualTo(Expectation.Severity.WARN);
        assertThat(spec.expectations().get(2).check()).isEqualTo(new Expectation.NoGaps(Expectation.Period.WEEK));
        assertThat(spec.expectations().get(3).check()).isEqualTo(new Expectation.MaxRevised(Limit.share(0.05)));
    }

    @Test
    void a_misdeclared_expectation_names_its_field() {
        assertThat(error("expectations:\n  - { column: n, unique: true, pattern: x }\n")
                        .getMessage())
                .contains("expectations[0]")
                .contains("expected exactly one of");
        assertThat(error("expectations:\n  - { column: zz, unique: true }\n").getMessage())
                .contains("expectations[0].column")
                .contains("no column 'zz'");
        assertThat(error("expectations:\n  - { column: n, no_gaps: day }\n").getMessage())
                .contains("no_gaps is about the table, not a column");
        assertThat(error("expectations:\n  - { column: n, pattern: '(' }\n").getMessage())
                .contains("not a regular expression");
        assertThat(error("expectations:\n  - { sql: select 1 }\n").getMessage()).contains("a query over {table}");
        assertThat(error("expectations:\n  - { max_revised: 1% }\n  - { max_revised: 2% }\n")
                        .getMessage())
                .contains("two expectations are named 'max_revised'");
    }

    @Test
    void provenance_adds_its_columns_and_refuses_a_name_taken() {
        PipelineSpec spec = read("").withFreshness(Freshness.NONE);
        assertThat(spec.target().provenance()).isEmpty();
        PipelineSpec withProvenance = reader.parse(
                "demo.yaml",
                SOURCES + "target:\n  table: t\n  provenance: [source_file, loaded_at]\n",
                Optional.empty());
        assertThat(withProvenance.target().provenance())
                .isEqualTo(Set.of(Provenance.SOURCE_FILE, Provenance.LOADED_AT));
        assertThat(withProvenance.target().systemColumns())
                .extracting(TargetColumn::name)
                .containsExactly("loaded_at", "source_file");
        PipelineConfigException taken = catchThrowableOfType(
                PipelineConfigException.class,
                () -> reader.parse(
                        "demo.yaml",
                        SOURCES.replace("header: m,", "header: loaded_at,")
                                + "target:\n  table: t\n  provenance: [loaded_at]\n",
                        Optional.empty()));
        assertThat(taken.getMessage()).contains("already has a column 'loaded_at'");
        assertThat(List.of(
                        Units.duration("3d").orElseThrow(),
                        Units.duration("36h").orElseThrow()))
                .containsExactly(Duration.ofDays(3), Duration.ofHours(36));
        assertThat(Units.format(Duration.ofDays(2))).isEqualTo("2d");
    }
}
