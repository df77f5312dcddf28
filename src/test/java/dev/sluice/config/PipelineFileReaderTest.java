package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PipelineFileReaderTest {
    private static final String VALID = """
            name: demo
            sources:
              - name: a
                url: https://example.org/a.csv
                key: [day]
                columns:
                  - { header: Day, as: day, type: date }
                  - { header: n, type: integer, min: 0 }
            target:
              table: demo_table
            """;

    private final PipelineFileReader reader = new PipelineFileReader(Trust.none());

    private PipelineConfigException error(String yaml) {
        PipelineConfigException e = catchThrowableOfType(
                PipelineConfigException.class, () -> reader.parse("demo.yaml", yaml, Optional.empty()));
        assertThat(e).as("expected the file to be rejected").isNotNull();
        return e;
    }

    @Test
    void the_bundled_covid_us_pipeline_declares_the_issue_s_target_table() {
        PipelineSpec spec = reader.read("covid-us");
        assertThat(spec.target().columns())
                .extracting(TargetColumn::name, c -> c.type().sqlType(), TargetColumn::notNull)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("date", "date", true),
                        org.assertj.core.groups.Tuple.tuple("cases", "bigint", true),
                        org.assertj.core.groups.Tuple.tuple("deaths", "bigint", true),
                        org.assertj.core.groups.Tuple.tuple("recovered", "bigint", false));
        assertThat(spec.target().qualifiedName()).isEqualTo("\"public\".\"covid_us_daily\"");
        assertThat(spec.join().orElseThrow().type()).isEqualTo(JoinType.LEFT);
        assertThat(spec.invalidRows().policy()).isEqualTo(InvalidRowPolicy.FAIL_RUN);
        assertThat(spec.schedule().orElseThrow().cron()).isEqualTo("0 0 19 * * *");
        assertThat(spec.source("jhu").orElseThrow().filters())
                .extracting(RowFilter::describe)
                .containsExactly("Country/Region = US", "Province/State is empty");
    }

    @Test
    void the_bundled_us_counties_pipeline_has_a_two_column_key() {
        PipelineSpec spec = reader.read("us-counties");
        assertThat(spec.target().columns())
                .extracting(TargetColumn::name)
                .containsExactly("date", "fips", "county", "state", "cases", "deaths");
        assertThat(spec.target().keyColumns()).extracting(TargetColumn::name).containsExactly("date", "fips");
    }

    @Test
    void a_valid_file_parses() {
        PipelineSpec spec = reader.parse("demo.yaml", VALID, Optional.empty());
        assertThat(spec.name()).isEqualTo("demo");
        assertThat(spec.sources().get(0).columns().get(0).name()).isEqualTo("day");
        assertThat(spec.fingerprint()).hasSize(64);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "unknown field           | '    key: [day]'                  | '    kye: [day]'                     | 5 | sources[0].kye",
                "unknown type            | 'type: integer, min'              | 'type: integr, min'                 | 8 | sources[0].columns[1].type",
                "quote in a table name   | 'table: demo_table'               | 'table: \"demo;drop table x\"'      | 10 | target.table",
                "reserved schema         | 'table: demo_table'               | 'table: demo_table\n  schema: sluice' | 11 | target.schema",
                "key not a column        | 'key: [day]'                      | 'key: [date]'                       | 5 | sources[0].key",
                "bad header as SQL name  | '{ header: n, type'               | '{ header: N-1, type'               | 8 | sources[0].columns[1].header",
                "ftp url                 | 'https://example.org/a.csv'       | 'ftp://example.org/a.csv'           | 4 | sources[0].url",
                "min above max           | 'min: 0 }'                        | 'min: 5, max: 1 }'                  | 8 | sources[0].columns[1].min",
                "text with a min         | 'type: integer, min: 0'           | 'type: text, min: 0'                | 8 | sources[0].columns[1]",
                "bad date pattern        | 'type: date }'                    | 'type: date, pattern: yyyy-bb }'    | 7 | sources[0].columns[0].pattern",
                "bad invalid_rows        | 'target:'                         | 'invalid_rows: ignore\ntarget:'     | 9 | invalid_rows",
                "bad pipeline name       | 'name: demo'                      | 'name: Demo Pipeline'               | 1 | name",
                "a column named _line    | '{ header: n, type'               | '{ header: n, as: _line, type'      | 9 | target.mode",
                "sluice's own prefix     | '{ header: n, type'               | '{ header: n, as: _sluice_new, type' | 9 | target.mode",
                "a run_id column         | '{ header: n, type'               | '{ header: n, as: run_id, type'     | 9 | target.mode",
                "an upsert without a key | '    key: [day]'                   | ''                                  | 3 | sources[0]",
                "a short header, none    | '    key: [day]'                   | '    header: false\n    short_header: row_names\n    key: [day]' | 6 | sources[0].short_header",
            })
    void an_invalid_file_is_rejected_with_its_line_and_field(
            String what, String from, String to, int line, String field) {
        String yaml = VALID.replace(from.strip(), to.strip().replace("\\n", "\n"));
        assertThat(yaml).as("the test edit applies").isNotEqualTo(VALID);
        PipelineConfigException e = error(yaml);
        assertThat(e.fileLine()).as(e.getMessage()).isEqualTo(line);
        assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
        assertThat(e.getMessage()).startsWith("demo.yaml:" + line + ": " + field);
    }

    @Test
    void a_replace_table_needs_no_key_and_its_key_columns_are_required_whatever_the_source_says() {
        PipelineSpec keyless = reader.parse(
                "demo.yaml",
                VALID.replace("    key: [day]\n", "")
                        .replace("table: demo_table", "table: demo_table\n  mode: replace"),
                Optional.empty());
        assertThat(keyless.target().keyColumns()).isEmpty();
        assertThat(keyless.target().primaryKey()).isEmpty();
        PipelineConfigException duplicates = error(VALID.replace("    key: [day]", "    duplicate_keys: keep_last")
                .replace("table: demo_table", "table: demo_table\n  mode: replace"));
        assertThat(duplicates.field()).isEqualTo("sources[0].duplicate_keys");
        assertThat(duplicates.problem()).isEqualTo("a source without a key has no duplicate keys");

        PipelineSpec optional = reader.parse(
                "demo.yaml", VALID.replace("    key: [day]", "    required: false\n    key: [day]"), Optional.empty());
        assertThat(optional.sources().get(0).column("day").orElseThrow().required())
                .isTrue();
        assertThat(optional.sources().get(0).column("n").orElseThrow().required())
                .isFalse();
    }

    @Test
    void dashboard_units_name_charted_columns_and_are_kept_in_order() {
        PipelineSpec spec = reader.parse("demo.yaml", VALID + "dashboard: { units: { n: cases } }\n", Optional.empty());
        assertThat(spec.dashboard().orElseThrow().units()).containsExactly(java.util.Map.entry("n", "cases"));
        assertThat(error(VALID + "dashboard: { units: { day: days } }\n").field())
                .isEqualTo("dashboard.units.day");
        assertThat(error(VALID + "dashboard: { units: { n: \"\" } }\n").getMessage())
                .contains("dashboard.units.n: must not be empty");
        assertThat(error(VALID + "dashboard: { units: [n] }\n").getMessage()).contains("mapping");
        assertThat(error(VALID + "dashboard: { units: { n: " + "x".repeat(25) + " } }\n")
                        .getMessage())
                .contains("must be a unit of 1 to 24 characters");
    }

    @Test
    void yaml_syntax_errors_name_the_line() {
        PipelineConfigException e = error("name: demo\nsources: [\n  - oops: : :\n");
        assertThat(e.fileLine()).isPositive();
        assertThat(e.getMessage()).startsWith("demo.yaml:").contains("not valid YAML");
    }

    @Test
    void a_duplicated_field_is_an_error() {
        PipelineConfigException e = error(VALID.replace("target:\n", "name: again\ntarget:\n"));
        assertThat(e.field()).isEqualTo("name");
        assertThat(e.problem()).isEqualTo("appears twice");
    }

    @Test
    void several_sources_need_a_join_on_their_common_key() {
        String two = VALID.replace("target:", """
                  - name: b
                    url: https://example.org/b.csv
                    key: [day]
                    columns:
                      - { header: day, type: date }
                      - { header: n, as: m, type: integer }
                join: { type: full, on: [day] }
                target:""");
        PipelineSpec spec = reader.parse("demo.yaml", two, Optional.empty());
        assertThat(spec.target().columns())
                .extracting(TargetColumn::name, TargetColumn::notNull)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("day", true),
                        org.assertj.core.groups.Tuple.tuple("n", false),
                        org.assertj.core.groups.Tuple.tuple("m", false));
        assertThat(error(two.replace("as: m, ", "")).getMessage()).contains("column 'n' comes from two sources");
        assertThat(error(two.replace("join: { type: full, on: [day] }\n", "")).getMessage())
                .contains("missing required field 'join'");
    }

    @Test
    void a_dashboard_reads_a_pipeline_without_its_notifications_and_so_without_their_secrets(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("p.yaml");
        Files.writeString(
                file, VALID + "notifications:\n  - name: ops\n    type: webhook\n    url: { env: HOOK_NOT_LENT }\n");

        assertThatThrownBy(() -> reader.read(file.toString())).hasMessageContaining("HOOK_NOT_LENT");
        PipelineSpec shown = reader.readToShow(file.toString());
        assertThat(shown.notifications()).isEmpty();
        assertThat(shown.name())
                .isEqualTo(reader.parse("p.yaml", VALID, Optional.empty()).name());
    }

    @Test
    void file_urls_must_stay_inside_the_pipeline_file_directory(@TempDir Path dir) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("a.csv"), "Day,n\n");
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, VALID.replace("https://example.org/a.csv", "file:data/a.csv"));
        assertThat(((SourceLocation.Single)
                                reader.read(file.toString()).sources().get(0).location())
                        .url())
                .isEqualTo(data.resolve("a.csv").toUri());

        Files.writeString(file, VALID.replace("https://example.org/a.csv", "file:../../etc/passwd"));
        PipelineConfigException e =
                catchThrowableOfType(PipelineConfigException.class, () -> reader.read(file.toString()));
        assertThat(e.field()).isEqualTo("sources[0].url");
        assertThat(e.problem()).contains("outside the directories allowed").contains("SLUICE_FILE_ROOTS");

        PipelineFileReader allowing = new PipelineFileReader(Trust.none().withFileRoots(Path.of("/etc")));
        assertThat(((SourceLocation.Single)
                                allowing.read(file.toString()).sources().get(0).location())
                        .url()
                        .getPath())
                .isEqualTo("/etc/passwd");
    }

    @Test
    void a_bundled_pipeline_cannot_read_local_files() {
        PipelineConfigException e = error(VALID.replace("https://example.org/a.csv", "file:/etc/passwd"));
        assertThat(e.problem()).contains("cannot read local files");
    }

    @Test
    void an_unknown_pipeline_name_lists_the_bundled_ones() {
        PipelineConfigException e = catchThrowableOfType(PipelineConfigException.class, () -> reader.read("covid-uk"));
        assertThat(e.getMessage()).contains("covid-us").contains("us-counties");
    }

    @Test
    void source_overrides_must_name_existing_sources() {
        PipelineSpec spec = reader.read("covid-us");
        PipelineConfigException e = catchThrowableOfType(
                PipelineConfigException.class,
                () -> spec.withSourceUrls(java.util.Map.of("nty", java.net.URI.create("file:/tmp/x.csv"))));
        assertThat(e.getMessage())
                .contains("unknown source 'nty'")
                .contains("nyt")
                .contains("jhu");
    }

    @Test
    void identifiers_are_quoted_and_only_safe_names_accepted() {
        assertThat(SqlIdentifier.quote("order")).isEqualTo("\"order\"");
        assertThat(SqlIdentifier.isValid("a\"b")).isFalse();
        assertThat(SqlIdentifier.isValid("x;drop table y")).isFalse();
        assertThat(SqlIdentifier.isValid("CamelCase")).isFalse();
        assertThat(SqlIdentifier.isValid("a".repeat(64))).isFalse();
        assertThat(SqlIdentifier.isValid("_ok_1")).isTrue();
    }

    @Test
    void secrets_never_print_themselves() {
        Secret secret = Secret.of("hunter2");
        assertThat(secret.toString()).isEqualTo("***");
        assertThat(String.valueOf(List.of(secret))).doesNotContain("hunter2");
        assertThat(secret.reveal()).isEqualTo("hunter2");
    }
}
