package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pipeline file's fields for any CSV feed: types and how values are written, the CSV dialect, and where a
 * source's files are. What could only fail on every row at run time fails here, naming the field.
 */
class SourceFormatReaderTest {
    private final PipelineFileReader reader = new PipelineFileReader(Trust.none());

    private static String pipeline(String sourceFields, String column) {
        return "name: demo\nsources:\n  - name: a\n    url: https://example.org/a.csv\n" + sourceFields
                + "    key: [id]\n    columns:\n      - { header: id, type: integer }\n      - " + column
                + "\ntarget: { table: demo }\n";
    }

    private SourceSpec source(String sourceFields, String column) {
        return reader.parse("demo.yaml", pipeline(sourceFields, column), Optional.empty())
                .sources()
                .get(0);
    }

    private PipelineConfigException rejected(String sourceFields, String column) {
        PipelineConfigException e = catchThrowableOfType(
                PipelineConfigException.class,
                () -> reader.parse("demo.yaml", pipeline(sourceFields, column), Optional.empty()));
        assertThat(e).as("expected the file to be rejected").isNotNull();
        return e;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "date      | yyyy-MM-dd HH:mm     | writes more than a date",
                "date      | dd/MM                | cannot read back what it writes",
                "date      | yyyy-MM-dd XXX       | writes an offset or zone, which a date column does not keep",
                "date      | yyyy-MM-dd bb        | is not a valid pattern",
                "timestamp | HH:mm                | cannot read back what it writes",
                "timestamp | yyyy-MM-dd HH:mmXXX  | use type: timestamptz",
                "timestamptz | yyyy-MM-dd HH:mm   | writes no offset (X, x, Z, O or VV): declare the zone",
            })
    void a_pattern_that_cannot_produce_the_type_fails_check(String type, String pattern, String why) {
        PipelineConfigException e = rejected("", "{ header: at, type: " + type + ", pattern: \"" + pattern + "\" }");
        assertThat(e.field()).isEqualTo("sources[0].columns[1].pattern");
        assertThat(e.problem()).contains(why);
    }

    @Test
    void patterns_that_produce_their_type_pass_check() {
        assertThat(source("", "{ header: at, type: date, pattern: yyyy-MM }")
                        .columns()
                        .get(1)
                        .format()
                        .pattern())
                .contains("yyyy-MM");
        assertThat(source("", "{ header: at, type: timestamp, pattern: \"dd.MM.yyyy HH:mm:ss\" }")
                        .columns()
                        .get(1)
                        .type())
                .isEqualTo(ColumnType.TIMESTAMP);
        ColumnSpec zoned = source(
                        "", "{ header: at, type: timestamptz, pattern: \"yyyy-MM-dd HH:mm\", zone: Europe/Paris }")
                .columns()
                .get(1);
        assertThat(zoned.format().zone()).contains(ZoneId.of("Europe/Paris"));
    }

    @Test
    void source_value_options_are_the_defaults_of_every_column_and_a_column_overrides_them() {
        SourceSpec source = source(
                "    null_values: [NA, \"-\"]\n    decimal_separator: \",\"\n    grouping: \".\"\n",
                "{ header: x, type: decimal, null_values: [\"n/a\"], grouping: \" \" }");
        assertThat(source.columns().get(0).format().nullValues()).containsExactlyInAnyOrder("NA", "-");
        assertThat(source.columns().get(0).format().grouping()).contains('.');
        ValueFormat x = source.columns().get(1).format();
        assertThat(x.nullValues()).containsExactly("n/a");
        assertThat(x.decimalSeparator()).isEqualTo(',');
        assertThat(x.grouping()).contains(' ');
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a pattern on a number         | { header: x, type: integer, pattern: yyyy }        | columns[1].pattern"
                        + " | only date, timestamp and timestamptz columns have pattern",
                "true values on a text         | { header: x, true_values: [y] }                    |"
                        + " columns[1].true_values | only boolean columns have true_values",
                "a decimal comma on an integer | { header: x, type: integer, decimal_separator: \",\" } |"
                        + " columns[1].decimal_separator | an integer has no decimals",
                "grouping that is the separator | { header: x, type: decimal, grouping: \".\" }     |"
                        + " columns[1].grouping | is the decimal separator too",
                "a spelling both true and false | { header: x, type: boolean, true_values: [y], false_values: [Y] } |"
                        + " columns[1].true_values | spells both true and false",
                "a zone on a timestamp          | { header: x, type: timestamp, zone: UTC }          |"
                        + " columns[1].zone | a timestamp without time zone keeps no zone",
                "an unknown zone                | { header: x, type: timestamptz, zone: Mars/Olympus } |"
                        + " columns[1].zone | unknown time zone",
                "both pattern and epoch         | { header: x, type: date, pattern: yyyy, epoch: seconds } |"
                        + " columns[1].epoch | either with a pattern or as an epoch number",
                "min on a boolean               | { header: x, type: boolean, min: 0 }               | columns[1] |"
                        + " apply to integer, decimal and double columns only",
                "an empty header without a name | { header: \"\", position: 2 }                     |"
                        + " columns[1].as | a column whose header is empty needs a name",
            })
    void value_options_the_type_has_no_use_for_fail(String what, String column, String field, String problem) {
        PipelineConfigException e = rejected("", column);
        assertThat(e.field()).isEqualTo("sources[0]." + field);
        assertThat(e.problem()).contains(problem);
    }

    @Test
    void the_csv_dialect_is_read_with_its_defaults() {
        CsvFormat defaults = source("", "{ header: x }").format();
        assertThat(defaults).isEqualTo(CsvFormat.DEFAULTS);
        CsvFormat format = source(
                        "    delimiter: \"\\t\"\n    quote: \"'\"\n    escape: \"\\\\\"\n    comment: \"#\"\n"
                                + "    skip_lines: 3\n    encoding: windows-1252\n    compression: zip\n"
                                + "    member: data/rates.csv\n",
                        "{ header: x }")
                .format();
        assertThat(format.delimiter()).isEqualTo('\t');
        assertThat(format.quote()).isEqualTo('\'');
        assertThat(format.escape()).contains('\\');
        assertThat(format.comment()).contains('#');
        assertThat(format.skipLines()).isEqualTo(3);
        assertThat(format.encoding()).isEqualTo(java.nio.charset.Charset.forName("windows-1252"));
        assertThat(format.compression()).isEqualTo(CsvFormat.Compression.ZIP);
        assertThat(format.member()).contains("data/rates.csv");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "'    quote: \",\"'                      | quote     | cannot be ','",
                "'    delimiter: \"ab\"'                 | delimiter | must be one character",
                "'    encoding: utf-16'                  | encoding  | does not write CSV's characters as single bytes",
                "'    encoding: klingon'                 | encoding  | unknown encoding",
                "'    compression: gzip\n    member: x'  | member    | names a file inside a zip",
                "'    skip_lines: -1'                    | skip_lines | must be between 0 and 10000",
            })
    void a_dialect_that_cannot_be_read_fails(String fields, String field, String problem) {
        PipelineConfigException e = rejected(fields.replace("\\n", "\n") + "\n", "{ header: x }");
        assertThat(e.field()).isEqualTo("sources[0]." + field);
        assertThat(e.problem()).contains(problem);
    }

    @Test
    void a_file_without_a_header_finds_columns_by_position_and_names_them() {
        String yaml = """
                name: demo
                sources:
                  - name: a
                    url: https://example.org/a.csv
                    header: false
                    key: [id]
                    columns:
                      - { position: 3, as: id, type: integer }
                      - { position: 1, as: label }
                target: { table: demo }
                """;
        SourceSpec source =
                reader.parse("demo.yaml", yaml, Optional.empty()).sources().get(0);
        assertThat(source.format().header()).isEqualTo(CsvFormat.Header.ABSENT);
        assertThat(source.columns())
                .extracting(c -> c.position().getAsInt(), ColumnSpec::name)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(3, "id"), org.assertj.core.groups.Tuple.tuple(1, "label"));
        PipelineConfigException e = catchThrowableOfType(
                PipelineConfigException.class,
                () -> reader.parse(
                        "demo.yaml",
                        yaml.replace("position: 1, as: label", "position: 3, as: label"),
                        Optional.empty()));
        assertThat(e.problem()).contains("two columns are at position 3");
        e = catchThrowableOfType(
                PipelineConfigException.class,
                () -> reader.parse(
                        "demo.yaml",
                        yaml.replace("{ position: 1, as: label }", "{ header: label }"),
                        Optional.empty()));
        assertThat(e.field()).isEqualTo("sources[0].columns[1].header");
    }

    @Test
    void a_list_of_urls_and_a_template_over_dates() {
        String list = pipeline("", "{ header: x }")
                .replace(
                        "url: https://example.org/a.csv",
                        "urls: [https://example.org/2020.csv, https://example.org/2021.csv]");
        SourceLocation listed = reader.parse("demo.yaml", list, Optional.empty())
                .sources()
                .get(0)
                .location();
        assertThat(((SourceLocation.Listed) listed).urls()).hasSize(2);

        String template = pipeline(
                        "    dates: { last: 3, zone: America/New_York }\n    missing: skip\n", "{ header: x }")
                .replace("a.csv", "{date:MM-dd-yyyy}.csv");
        SourceLocation.DateTemplate dated =
                (SourceLocation.DateTemplate) reader.parse("demo.yaml", template, Optional.empty())
                        .sources()
                        .get(0)
                        .location();
        assertThat(dated.missing()).isEqualTo(SourceLocation.MissingFiles.SKIP);
        assertThat(dated.window(LocalDate.of(2021, 3, 1)))
                .containsExactly(LocalDate.of(2021, 2, 27), LocalDate.of(2021, 2, 28), LocalDate.of(2021, 3, 1));
        assertThat(dated.url(LocalDate.of(2021, 3, 1))).hasToString("https://example.org/03-01-2021.csv");

        String from = pipeline("    dates: { from: 2021-02-27 }\n", "{ header: x }")
                .replace("a.csv", "{date:yyyy}/{date:yyyyMMdd}.csv.gz");
        SourceLocation.DateTemplate fromDate =
                (SourceLocation.DateTemplate) reader.parse("demo.yaml", from, Optional.empty())
                        .sources()
                        .get(0)
                        .location();
        assertThat(fromDate.window(LocalDate.of(2021, 2, 28))).hasSize(2);
        assertThat(fromDate.window(LocalDate.of(2021, 2, 26))).isEmpty();
        assertThat(fromDate.url(LocalDate.of(2021, 2, 28))).hasToString("https://example.org/2021/20210228.csv.gz");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a template without dates  | url: https://example.org/{date:yyyy}.csv |  | sources[0].dates |"
                        + " needs dates: { last: N } or { from: YYYY-MM-DD }",
                "dates without a template  | url: https://example.org/a.csv | '    dates: { last: 2 }' |"
                        + " sources[0].dates | is for a URL or file template",
                "both last and from        | url: https://example.org/{date:yyyy}.csv |"
                        + " '    dates: { last: 2, from: 2020-01-01 }' | sources[0].dates | needs either last",
                "a bad date pattern        | url: https://example.org/{date:yyyy-bb}.csv | '    dates: { last: 2 }' |"
                        + " sources[0].url | not a valid template",
                "url and urls              | url: https://example.org/a.csv\\n    urls: [https://example.org/b.csv] |  |"
                        + " sources[0] | needs exactly one of url",
                "an s3 url without a key   | url: s3://bucket |  | sources[0].url | s3://BUCKET/KEY",
                "an ftp url                | url: ftp://example.org/a.csv |  | sources[0].url | must start with",
            })
    void where_files_are_must_be_clear(String what, String location, String more, String field, String problem) {
        String yaml = pipeline(more == null ? "" : more.replace("\\n", "\n") + "\n", "{ header: x }")
                .replace("url: https://example.org/a.csv", location.replace("\\n", "\n"));
        PipelineConfigException e = catchThrowableOfType(
                PipelineConfigException.class, () -> reader.parse("demo.yaml", yaml, Optional.empty()));
        assertThat(e).as(what).isNotNull();
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.problem()).contains(problem);
    }

    @Test
    void local_globs_and_templates_stay_inside_the_pipeline_directory(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("daily"));
        Path file = dir.resolve("p.yaml");
        String glob = pipeline("", "{ header: x }").replace("url: https://example.org/a.csv", "file: daily/*.csv");
        Files.writeString(file, glob, StandardCharsets.UTF_8);
        SourceLocation.Glob found = (SourceLocation.Glob)
                reader.read(file.toString()).sources().get(0).location();
        assertThat(found.directory()).isEqualTo(dir.resolve("daily"));
        assertThat(found.pattern()).isEqualTo("*.csv");

        Files.writeString(file, glob.replace("daily/*.csv", "../*.csv"), StandardCharsets.UTF_8);
        PipelineConfigException e =
                catchThrowableOfType(PipelineConfigException.class, () -> reader.read(file.toString()));
        assertThat(e.problem()).contains("outside the directories allowed");

        Files.writeString(
                file,
                pipeline("    dates: { last: 2 }\n", "{ header: x }")
                        .replace("url: https://example.org/a.csv", "file: daily/{date:yyyy-MM-dd}.csv"),
                StandardCharsets.UTF_8);
        SourceLocation.DateTemplate template = (SourceLocation.DateTemplate)
                reader.read(file.toString()).sources().get(0).location();
        assertThat(template.url(LocalDate.of(2021, 3, 1)))
                .isEqualTo(dir.resolve("daily/2021-03-01.csv").toUri());
        assertThat(template.confinement()).isPresent();
        assertThat(List.of(template.describe())).allMatch(d -> d.contains("the last 2 days"));
    }
}
