package dev.sluice.init;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.config.ColumnSpec;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SourceSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.TestRig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Any feed", tested on real ones nobody here chose: every file of {@code ../shared/data/feeds/corpus}, served over
 * loopback HTTP, goes through {@code sluice init}; the file init wrote is read as {@code sluice check} reads it and
 * run unedited; the table then holds exactly what this test reads from the file with its own reader and the dialect
 * written by hand in {@code feed-corpus.tsv}. Where the corpus keeps a file's previous publication, that one is init's
 * sample and the first day, and the current one is the next day, at the same URL: the table is compared again, as
 * the pipeline's mode says it must then be (an upsert keeps the keys the new publication dropped).
 *
 * <p>Values are compared by meaning, not by spelling: the test parses each raw value itself (numbers with their
 * grouping or decimal comma, dates by the patterns a publisher writes, day first where the fixture says so) and
 * compares with what PostgreSQL holds, typed as the table's column is.
 */
class FeedCorpusIT {
    private static final Set<String> NO_VALUE = Set.of(
            "", "NA", "N/A", "n/a", "na", "null", "NULL", "None", "-", "--", "nan", "NaN", "..", ".", "#NULL!", "#N/A");
    private static final Set<String> TRUE = Set.of("true", "t", "yes", "y", "1");
    private static final Set<String> FALSE = Set.of("false", "f", "no", "n", "0");

    private static TestRig rig;

    @BeforeAll
    static void start() {
        rig = new TestRig();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    /** A file of the corpus as written by hand in the fixture. */
    record Dialect(
            String file,
            char delimiter,
            Charset encoding,
            int linesBeforeHeader,
            int rowNames,
            boolean decimalComma,
            boolean dayFirst,
            String nextDay) {}

    @TestFactory
    Stream<DynamicTest> every_file_of_the_corpus_loads_through_init_first_day_and_next_day(@TempDir Path dir)
            throws IOException {
        List<Dialect> dialects = dialects();
        try (Stream<Path> files = Files.list(corpus())) {
            assertThat(files.filter(Files::isRegularFile)
                            .map(f -> f.getFileName().toString())
                            .filter(name -> !name.equals("README.md"))
                            .sorted())
                    .as("every file of the corpus has its dialect in feed-corpus.tsv")
                    .containsExactlyElementsOf(
                            dialects.stream().map(Dialect::file).sorted().toList());
        }
        return dialects.stream().map(d -> DynamicTest.dynamicTest(d.file(), () -> load(d, dir)));
    }

    private static void load(Dialect dialect, Path dir) throws IOException {
        Path current = corpus().resolve(dialect.file());
        Path previous = corpus().resolve("previous").resolve(dialect.file());
        Path first = Files.exists(previous) ? previous : current;
        String path = "/corpus/" + dialect.file();
        rig.server.serveFile(path, first);

        Initializer.Result init = rig.wiring
                .initializer()
                .initialize(new Initializer.Request(List.of(rig.server.url(path).toString()), Optional.empty(), dir));
        Path file = dir.resolve(dialect.file() + ".yaml");
        Files.writeString(file, init.yaml());
        // What `sluice check` reads: the file exactly as init wrote it.
        PipelineSpec spec = TestRig.withFastFetch(new PipelineFileReader(Trust.none()).read(file.toString()));

        Run day1 = rig.run(spec);
        assertThat(day1.status())
                .as(dialect.file() + " first day: "
                        + day1.error().map(RunError::message).orElse(""))
                .isEqualTo(RunStatus.SUCCEEDED);
        Table table = Table.of(spec);
        List<List<String>> expected = table.expected(read(first, dialect), dialect);
        assertSameRows(dialect.file() + " first day", table.stored(), expected);
        assertThat(day1.inserted()).isEqualTo(expected.size());

        if (first == current) {
            return;
        }
        rig.server.serveFile(path, current);
        Run day2 = rig.run(spec);
        if (dialect.nextDay().equals("renamed")) {
            // A column renamed upstream is not loaded by its place: it may be another measure. The run says so.
            assertThat(day2.status()).isEqualTo(RunStatus.FAILED);
            assertThat(day2.error().orElseThrow().kind()).isEqualTo(ErrorKind.MISSING_COLUMN);
            assertThat(day2.error().orElseThrow().message())
                    .contains("perhaps the same column renamed: 'Monthly milk production (pounds per cow)'");
            assertSameRows(dialect.file() + " after the failed next day", table.stored(), expected);
            return;
        }
        assertThat(day2.status())
                .as(dialect.file() + " next day: "
                        + day2.error().map(RunError::message).orElse(""))
                .isEqualTo(RunStatus.SUCCEEDED);
        List<List<String>> next = table.expected(read(current, dialect), dialect);
        List<List<String>> after = table.keyed() ? table.upserted(expected, next) : next;
        assertSameRows(dialect.file() + " next day", table.stored(), after);
    }

    /** The same rows, as many times each; when not, a few of the rows each side lacks, to see why. */
    private static void assertSameRows(String what, List<List<String>> stored, List<List<String>> expected) {
        Map<List<String>, Long> difference = new HashMap<>();
        stored.forEach(row -> difference.merge(row, 1L, Long::sum));
        expected.forEach(row -> difference.merge(row, -1L, Long::sum));
        List<String> onlyStored = difference.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .limit(3)
                .map(e -> e.getKey().toString())
                .toList();
        List<String> onlyExpected = difference.entrySet().stream()
                .filter(e -> e.getValue() < 0)
                .limit(3)
                .map(e -> e.getKey().toString())
                .toList();
        assertThat(onlyStored)
                .as(
                        what + ": %d rows stored, %d in the file; rows of the file not stored: %s",
                        stored.size(),
                        expected.size(),
                        onlyExpected)
                .isEmpty();
        assertThat(onlyExpected).as(what + ": rows of the file not stored").isEmpty();
    }

    /** The pipeline's table: its columns, where each comes from in the file, and their types in PostgreSQL. */
    private record Table(
            String name, List<ColumnSpec> columns, List<String> types, List<Integer> keyIndexes, boolean headerless) {
        static Table of(PipelineSpec spec) {
            SourceSpec source = spec.sources().get(0);
            List<String> types = new ArrayList<>();
            for (ColumnSpec c : source.columns()) {
                types.add(rig.text("select format_type(atttypid, null) from pg_attribute where attrelid = '"
                                + spec.target().qualifiedName() + "'::regclass and attname = '" + c.name() + "'")
                        .orElseThrow());
            }
            List<Integer> keys = source.key().stream()
                    .map(k -> source.columns().indexOf(source.column(k).orElseThrow()))
                    .toList();
            return new Table(
                    spec.target().qualifiedName(),
                    source.columns(),
                    types,
                    keys,
                    source.format().header() == dev.sluice.config.CsvFormat.Header.ABSENT);
        }

        boolean keyed() {
            return !keyIndexes.isEmpty();
        }

        /** The table's rows, each value in its canonical form. */
        List<List<String>> stored() {
            String select =
                    columns.stream().map(c -> "\"" + c.name() + "\"::text").collect(Collectors.joining(", "));
            List<List<String>> rows = new ArrayList<>();
            try (Connection c = rig.database.connect();
                    Statement st = c.createStatement()) {
                st.execute("set timezone = 'UTC'");
                try (ResultSet rs = st.executeQuery("select " + select + " from " + name)) {
                    while (rs.next()) {
                        List<String> row = new ArrayList<>();
                        for (int i = 0; i < columns.size(); i++) {
                            row.add(canonicalStored(rs.getString(i + 1), types.get(i)));
                        }
                        rows.add(row);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return rows;
        }

        /** The file's rows as the table must hold them, each value read by this test. */
        List<List<String>> expected(Csv csv, Dialect dialect) {
            Map<String, Integer> byName = new HashMap<>();
            for (int i = csv.header().size() - 1; i >= 0; i--) {
                byName.put(csv.header().get(i).strip(), i);
            }
            List<List<String>> rows = new ArrayList<>();
            for (List<String> fields : csv.rows()) {
                List<String> row = new ArrayList<>();
                for (int i = 0; i < columns.size(); i++) {
                    ColumnSpec column = columns.get(i);
                    int index = column.position().isPresent()
                            ? column.position().getAsInt() - 1
                            : byName.get(column.header());
                    String raw = index < fields.size() ? fields.get(index) : "";
                    row.add(canonicalRaw(raw, types.get(i), dialect));
                }
                rows.add(row);
            }
            return rows;
        }

        /** An upsert's table after the next day: the new rows, and the old rows whose key the new ones lack. */
        List<List<String>> upserted(List<List<String>> before, List<List<String>> next) {
            Function<List<String>, List<String>> key =
                    row -> keyIndexes.stream().map(row::get).toList();
            Map<List<String>, List<String>> table = new LinkedHashMap<>();
            before.forEach(row -> table.put(key.apply(row), row));
            next.forEach(row -> table.put(key.apply(row), row));
            return List.copyOf(table.values());
        }
    }

    private static String canonicalStored(String value, String type) {
        if (value == null) {
            return "∅";
        }
        return switch (type) {
            case "numeric" -> new BigDecimal(value).stripTrailingZeros().toPlainString();
            case "double precision" -> String.valueOf(Double.parseDouble(value));
            case "boolean" -> String.valueOf(value.equals("true") || value.equals("t"));
            case "timestamp with time zone" ->
                OffsetDateTime.parse(value.replace(' ', 'T') + (value.matches(".*[+-]\\d\\d$") ? ":00" : ""))
                        .toInstant()
                        .toString();
            case "timestamp without time zone" ->
                LocalDateTime.parse(value.replace(' ', 'T')).toString();
            default -> value;
        };
    }

    /** A raw value as the table must hold it, read the way the publisher wrote it. */
    private static String canonicalRaw(String raw, String type, Dialect dialect) {
        String text = raw.strip();
        if (text.isEmpty() || (!type.equals("text") && NO_VALUE.contains(text))) {
            return "∅";
        }
        return switch (type) {
            case "bigint" ->
                new BigDecimal(number(text, dialect)).toBigIntegerExact().toString();
            case "numeric" ->
                new BigDecimal(number(text, dialect)).stripTrailingZeros().toPlainString();
            case "double precision" -> String.valueOf(Double.parseDouble(number(text, dialect)));
            case "boolean" -> {
                String lower = text.toLowerCase(Locale.ROOT);
                if (!TRUE.contains(lower) && !FALSE.contains(lower)) {
                    throw new AssertionError("not a boolean: " + raw);
                }
                yield String.valueOf(TRUE.contains(lower));
            }
            case "date" -> date(text, dialect).toString();
            case "timestamp without time zone" -> timestamp(text, dialect).toString();
            case "timestamp with time zone" ->
                Instant.from(OffsetDateTime.parse(text.replace(' ', 'T'))).toString();
            default -> text;
        };
    }

    /** A number in plain notation: grouping removed, a decimal comma made a point. */
    private static String number(String text, Dialect dialect) {
        if (dialect.decimalComma() && text.indexOf(',') >= 0) {
            return text.replace(".", "").replace(',', '.');
        }
        if (dialect.decimalComma()) {
            return text; // a point in a file of decimal commas: pandas' float of a code, 27217.0
        }
        return text.replace(",", "").replace(" ", "");
    }

    private static final List<String> MONTH_FIRST = List.of("M/d/uuuu", "M/d/uu", "MM/dd/uuuu");
    private static final List<String> DAY_FIRST = List.of("d/M/uuuu", "dd/MM/uuuu", "d/M/uu");
    private static final List<String> OTHER_DATES = List.of("dd.MM.uuuu", "uuuu/MM/dd", "d MMM uuuu");

    private static LocalDate date(String text, Dialect dialect) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException notIso) {
            // the publisher's own spelling
        }
        if (text.matches("\\d{4}-\\d{2}")) {
            return YearMonth.parse(text).atDay(1);
        }
        List<String> patterns = new ArrayList<>(dialect.dayFirst() ? DAY_FIRST : MONTH_FIRST);
        patterns.addAll(OTHER_DATES);
        for (String pattern : patterns) {
            try {
                return LocalDate.parse(text, strict(pattern));
            } catch (DateTimeParseException next) {
                // the next pattern
            }
        }
        throw new AssertionError("this test reads no date in '" + text + "'");
    }

    private static LocalDateTime timestamp(String text, Dialect dialect) {
        try {
            return LocalDateTime.parse(text.replace(' ', 'T'));
        } catch (DateTimeParseException notIso) {
            // the publisher's own spelling
        }
        List<String> patterns = dialect.dayFirst()
                ? List.of("d/M/uuuu H:mm", "d/M/uu H:mm")
                : List.of("M/d/uu H:mm", "M/d/uuuu H:mm", "M/d/uuuu H:mm:ss", "HH:mm:ss  d MMM uuuu");
        for (String pattern : patterns) {
            try {
                return LocalDateTime.parse(text, strict(pattern));
            } catch (DateTimeParseException next) {
                // the next pattern
            }
        }
        throw new AssertionError("this test reads no timestamp in '" + text + "'");
    }

    private static DateTimeFormatter strict(String pattern) {
        return new DateTimeFormatterBuilder()
                .appendPattern(pattern)
                .parseDefaulting(ChronoField.ERA, 1)
                .toFormatter(Locale.ENGLISH)
                .withResolverStyle(ResolverStyle.STRICT);
    }

    /** A file as this test reads it: a header (with an empty name per unnamed field) and the rows' raw fields. */
    record Csv(List<String> header, List<List<String>> rows) {}

    /**
     * RFC 4180 as publishers write it, read here without sluice: fields separated by the fixture's delimiter,
     * quoted with {@code "} (doubled inside), records ending with CRLF, LF or a lone CR; blank lines skipped.
     */
    static Csv read(Path file, Dialect dialect) {
        String text;
        try {
            text = new String(Files.readAllBytes(file), dialect.encoding());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (c == dialect.delimiter()) {
                record.add(field.toString());
                field.setLength(0);
                any = true;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (any || field.length() > 0) {
                    record.add(field.toString());
                    records.add(record);
                }
                record = new ArrayList<>();
                field.setLength(0);
                any = false;
            } else {
                field.append(c);
                any = true;
            }
        }
        if (any || field.length() > 0) {
            record.add(field.toString());
            records.add(record);
        }
        List<List<String>> table = records.subList(dialect.linesBeforeHeader(), records.size());
        List<String> header = new ArrayList<>();
        for (int i = 0; i < dialect.rowNames(); i++) {
            header.add("");
        }
        header.addAll(table.get(0));
        return new Csv(header, table.subList(1, table.size()));
    }

    private static List<Dialect> dialects() throws IOException {
        try (var in = FeedCorpusIT.class.getResourceAsStream("/feed-corpus.tsv")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> !line.startsWith("#") && !line.isBlank())
                    .map(line -> line.split("\t"))
                    .map(f -> new Dialect(
                            f[0],
                            f[1].equals("tab") ? '\t' : f[1].charAt(0),
                            Charset.forName(f[2]),
                            Integer.parseInt(f[3]),
                            Integer.parseInt(f[4]),
                            f[5].equals("yes"),
                            f[6].equals("yes"),
                            f[7]))
                    .toList();
        }
    }

    private static Path corpus() {
        return SharedData.feeds().resolve("corpus");
    }
}
