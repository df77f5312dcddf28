package dev.sluice.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.SluiceException;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SourceSpec;
import dev.sluice.config.Trust;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Typing and cleaning rules driven by fixture cases in {@code src/test/resources/transform-cases}: each directory
 * holds a pipeline, an input file ({@code input.csv}, or for a source of several files {@code input-*.csv}, read in
 * name order and named by it), and either the expected rows or the expected error (with its problems), and
 * optionally text the warnings (or error message) must contain. Expected outputs are written by hand: a row is
 * {@code line|value|...} ({@code file:line|...} for several files), a problem
 * {@code kind=K [file=F ]line=N column=C value=V reason=R}.
 */
class SourceValidatorTest {
    private static final Pattern PROBLEM = Pattern.compile(
            "kind=(\\S+) (?:file=(\\S+) )?line=(\\S+) column=(\\S+) value=(.*?) reason=(.*)", Pattern.DOTALL);

    static Stream<Path> cases() throws IOException, URISyntaxException {
        Path root = Path.of(Objects.requireNonNull(SourceValidatorTest.class.getResource("/transform-cases"))
                .toURI());
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fixture_case(Path dir) throws IOException {
        PipelineSpec spec = new PipelineFileReader(Trust.none())
                .parse(dir.getFileName().toString(), Files.readString(dir.resolve("pipeline.yaml")), Optional.empty());
        SourceSpec source = spec.sources().get(0);
        SourceValidator validator = new SourceValidator(spec.invalidRows(), SourceValidator.RowProgress.NONE);
        StringBuilder rows = new StringBuilder();
        List<CsvFile> files = inputs(dir);
        Optional<String> contains = read(dir.resolve("expected-warnings.txt")).map(String::strip);

        Optional<String> expectedError = read(dir.resolve("expected-error.txt"));
        if (expectedError.isPresent()) {
            SluiceException error = catchThrowableOfType(
                    SluiceException.class,
                    () -> validator.validate(
                            source, files, (file, line, values) -> rows.append(render(files, file, line, values))));
            assertThat(error).as("expected an error").isNotNull();
            assertError(error, expectedError.get());
            contains.ifPresent(text -> assertThat(error.getMessage()).contains(text));
            return;
        }
        SourceReport report = validator.validate(
                source, files, (file, line, values) -> rows.append(render(files, file, line, values)));
        assertThat(rows.toString())
                .isEqualTo(read(dir.resolve("expected-rows.txt")).orElseThrow());
        contains.ifPresentOrElse(
                text -> assertThat(report.warnings())
                        .anySatisfy(w -> assertThat(w).contains(text)),
                () -> assertThat(report.warnings()).isEmpty());
    }

    private static void assertError(SluiceException error, String expected) {
        List<String> lines = List.of(expected.split("\n"));
        Matcher first = matcher(lines.get(0));
        assertThat(error.kind().name()).isEqualTo(first.group(1));
        assertThat(error.file()).isEqualTo(first.group(2));
        assertThat(String.valueOf(error.line())).isEqualTo(first.group(3));
        assertThat(String.valueOf(error.column())).isEqualTo(first.group(4));
        assertThat(String.valueOf(error.value())).isEqualTo(first.group(5));
        if (!(error instanceof InvalidRowsException invalid)) {
            assertThat(lines).hasSize(1);
            return;
        }
        List<RowProblem> problems = invalid.problems();
        assertThat(problems).hasSize(lines.size());
        assertThat(invalid.problemCount()).isEqualTo(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = matcher(lines.get(i));
            RowProblem p = problems.get(i);
            assertThat(p.file()).isEqualTo(m.group(2));
            assertThat(String.valueOf(p.line())).isEqualTo(m.group(3));
            assertThat(String.valueOf(p.column())).isEqualTo(m.group(4));
            assertThat(String.valueOf(p.value())).isEqualTo(m.group(5));
            if (!m.group(6).isEmpty()) {
                assertThat(p.reason()).isEqualTo(m.group(6));
            }
        }
    }

    private static Matcher matcher(String line) {
        Matcher m = PROBLEM.matcher(line);
        assertThat(m.matches()).as("fixture line: " + line).isTrue();
        return m;
    }

    /** {@code input.csv} alone, or every {@code input-*.csv} in name order, each named by its file name. */
    private static List<CsvFile> inputs(Path dir) throws IOException {
        if (Files.exists(dir.resolve("input.csv"))) {
            return List.of(new CsvFile(null, CsvInput.of(dir.resolve("input.csv"))));
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("input-"))
                    .sorted()
                    .map(p -> new CsvFile(p.getFileName().toString(), CsvInput.of(p)))
                    .toList();
        }
    }

    private static String render(List<CsvFile> files, int file, long line, Object[] values) {
        List<String> parts = new ArrayList<>();
        parts.add(
                files.get(file).label() == null
                        ? String.valueOf(line)
                        : files.get(file).label() + ":" + line);
        for (Object value : values) {
            parts.add(value == null ? "NULL" : value instanceof BigDecimal d ? d.toPlainString() : value.toString());
        }
        return String.join("|", parts) + "\n";
    }

    private static Optional<String> read(Path file) throws IOException {
        return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
    }
}
