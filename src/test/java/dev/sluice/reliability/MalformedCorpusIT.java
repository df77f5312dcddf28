package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.config.FetchSettings;
import dev.sluice.config.InvalidRowPolicy;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.testing.ExpectedCovidTable;
import dev.sluice.testing.FailureWitness;
import dev.sluice.testing.Packing;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of malformed files derived from the real snapshots (generated here, never committed as copies). Each
 * variant that must fail does so on both load paths, a first load into an empty database and a load over earlier
 * data, with the source, line (1-based, header = 1), column and value fixed by how the test built the variant; the
 * target stays exactly as it was and a failure notification is delivered. Variants a careful loader must accept
 * load exactly the table computed independently from the pristine files.
 */
class MalformedCorpusIT {
    private static final String NYT =
            new String(SourceServer.read(SharedData.nyt("2022-04-19")), StandardCharsets.UTF_8);
    private static final String JHU =
            new String(SourceServer.read(SharedData.jhu("2021-02-01")), StandardCharsets.UTF_8);
    /** The national US row of 2020-05-01 in the JHU file, found by content, not by trusting sluice. */
    private static final int JHU_US_LINE = lineStartingWith(JHU, "2020-05-01,US,,");

    private static TestRig empty;
    private static TestRig loaded;
    private static FailureWitness emptyWitness;
    private static FailureWitness loadedWitness;

    /** A malformed file and where its fault is. {@code line}, {@code column} and {@code value} may be null. */
    record Variant(String name, String source, byte[] body, ErrorKind kind, Long line, String column, String value) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() {
        empty = new TestRig();
        emptyWitness = new FailureWitness(empty, "covid_us_daily", "date");
        loaded = new TestRig();
        loadedWitness = new FailureWitness(loaded, "covid_us_daily", "date");
        loaded.server
                .serveFile("/nyt.csv", SharedData.nyt("2020-08-13"))
                .serveFile("/jhu.csv", SharedData.jhu("2020-09-01"));
        assertThat(loaded.run(loaded.covidUs()).status()).isEqualTo(RunStatus.SUCCEEDED);
        emptyWitness.remember();
        loadedWitness.remember();
    }

    @AfterAll
    static void stop() {
        emptyWitness.close();
        loadedWitness.close();
        empty.close();
        loaded.close();
    }

    private static int lineStartingWith(String text, String prefix) {
        List<String> lines = List.of(text.split("\n", -1));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i + 1;
            }
        }
        throw new IllegalStateException("no line starts with " + prefix);
    }

    private static List<String> lines(String text) {
        return new ArrayList<>(List.of(text.split("\n", -1)));
    }

    /** Line {@code n} (1-based) of {@code text}, edited. */
    private static String editLine(String text, int n, UnaryOperator<String> edit) {
        List<String> lines = lines(text);
        lines.set(n - 1, edit.apply(lines.get(n - 1)));
        return String.join("\n", lines);
    }

    /** Line {@code n} (1-based) with field {@code index} (0-based) replaced. */
    private static String setField(String text, int n, int index, String value) {
        return editLine(text, n, line -> {
            String[] fields = line.split(",", -1);
            fields[index] = value;
            return String.join(",", fields);
        });
    }

    private static String field(String text, int n, int index) {
        return lines(text).get(n - 1).split(",", -1)[index];
    }

    /** Every line with field {@code index} removed. */
    private static String dropField(String text, int index) {
        return lines(text).stream()
                .map(line -> {
                    if (line.isEmpty()) {
                        return line;
                    }
                    List<String> fields = new ArrayList<>(Arrays.asList(line.split(",", -1)));
                    fields.remove(index);
                    return String.join(",", fields);
                })
                .collect(Collectors.joining("\n"));
    }

    /** Line {@code n} with raw bytes inserted after its first {@code offset} characters. */
    private static byte[] withBytes(String text, int n, int offset, byte... inserted) {
        List<String> lines = lines(text);
        String before = String.join("\n", lines.subList(0, n - 1)) + "\n"
                + lines.get(n - 1).substring(0, offset);
        String after = lines.get(n - 1).substring(offset) + "\n" + String.join("\n", lines.subList(n, lines.size()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(inserted);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Variant nyt(String name, String body, ErrorKind kind, Long line, String column, String value) {
        return new Variant(name, "nyt", utf8(body), kind, line, column, value);
    }

    private static Variant nyt(String name, byte[] body, ErrorKind kind, Long line, String column, String value) {
        return new Variant(name, "nyt", body, kind, line, column, value);
    }

    private static Variant jhu(String name, String body, ErrorKind kind, Long line, String column, String value) {
        return new Variant(name, "jhu", utf8(body), kind, line, column, value);
    }

    static Stream<Variant> failing() {
        long us = JHU_US_LINE;
        ErrorKind missing = ErrorKind.MISSING_COLUMN;
        ErrorKind invalid = ErrorKind.INVALID_VALUE;
        ErrorKind notCsv = ErrorKind.NOT_CSV;
        String nytHeader = lines(NYT).get(0);
        return Stream.of(
                // Columns
                nyt("a used column is missing", dropField(NYT, 2), missing, 1L, "deaths", null),
                nyt("a used column is renamed", NYT.replaceFirst("cases", "confirmed"), missing, 1L, "cases", null),
                nyt("a header changes case", NYT.replaceFirst("date", "Date"), missing, 1L, "date", null),
                nyt(
                        "a used column is duplicated",
                        lines(NYT).stream()
                                .map(l -> l + (l.startsWith("date") ? ",cases" : ",0"))
                                .collect(Collectors.joining("\n")),
                        missing,
                        1L,
                        "cases",
                        null),
                nyt("another file's header", JHU.substring(0, 5000), missing, 1L, "date", null),
                // Named by its kind and size, never quoted (security finding 5): it is no header at all.
                nyt("a JSON error body", "{\"message\":\"API rate limit exceeded\"}\n", notCsv, null, null, null),
                jhu("the Recovered column is missing", dropField(JHU, 4), missing, 1L, "Recovered", null),
                jhu("a filtered column is missing", dropField(JHU, 2), missing, 1L, "Province/State", null),
                // Values
                nyt("a word for a number", setField(NYT, 10, 1, "abc"), invalid, 10L, "cases", "abc"),
                nyt("a negative count", setField(NYT, 20, 2, "-1"), invalid, 20L, "deaths", "-1"),
                nyt("a fraction in an integer", setField(NYT, 30, 1, "12.5"), invalid, 30L, "cases", "12.5"),
                nyt("an exponent", setField(NYT, 31, 1, "1e5"), invalid, 31L, "cases", "1e5"),
                nyt(
                        "one more than the largest bigint",
                        setField(NYT, 50, 1, "9223372036854775808"),
                        invalid,
                        50L,
                        "cases",
                        "9223372036854775808"),
                nyt(
                        "far beyond bigint",
                        setField(NYT, 51, 2, "1" + "0".repeat(40)),
                        invalid,
                        51L,
                        "deaths",
                        "1" + "0".repeat(40)),
                nyt(
                        "one less than the smallest bigint",
                        setField(NYT, 52, 1, "-9223372036854775809"),
                        invalid,
                        52L,
                        "cases",
                        "-9223372036854775809"),
                nyt("a thousands separator", setField(NYT, 53, 1, "\"1,234\""), invalid, 53L, "cases", "1,234"),
                nyt("a currency sign", setField(NYT, 54, 1, "$12"), invalid, 54L, "cases", "$12"),
                nyt("an empty required value", setField(NYT, 60, 2, ""), invalid, 60L, "deaths", ""),
                nyt("spaces for a required value", setField(NYT, 61, 1, "   "), invalid, 61L, "cases", "   "),
                nyt("a US-style date", setField(NYT, 70, 0, "03/29/2020"), invalid, 70L, "date", "03/29/2020"),
                nyt("an impossible date", setField(NYT, 80, 0, "2021-02-29"), invalid, 80L, "date", "2021-02-29"),
                nyt(
                        "a date with a time",
                        setField(NYT, 81, 0, "2020-04-09T00:00:00Z"),
                        invalid,
                        81L,
                        "date",
                        "2020-04-09T00:00:00Z"),
                // Recorded with the NUL shown as U+2400: PostgreSQL cannot store a NUL in text or jsonb.
                nyt("a NUL byte in a number", setField(NYT, 90, 1, "12\u00003"), invalid, 90L, "cases", "12\u24003"),
                jhu("a negative recovered count", setField(JHU, JHU_US_LINE, 4, "-1"), invalid, us, "Recovered", "-1"),
                jhu(
                        "a placeholder for recovered",
                        setField(JHU, JHU_US_LINE, 4, "n/a"),
                        invalid,
                        us,
                        "Recovered",
                        "n/a"),
                jhu(
                        "an impossible date in a kept row",
                        setField(JHU, JHU_US_LINE, 0, "2020-04-31"),
                        invalid,
                        us,
                        "Date",
                        "2020-04-31"),
                // Keys
                nyt(
                        "the newest date repeated",
                        NYT + "\n2022-04-19,1,1",
                        ErrorKind.DUPLICATE_KEY,
                        822L,
                        "date",
                        "2022-04-19"),
                jhu(
                        "a national row repeated",
                        editLine(JHU, JHU_US_LINE, l -> l + "\n" + l),
                        ErrorKind.DUPLICATE_KEY,
                        us + 1,
                        "Date",
                        "2020-05-01"),
                // Structure
                nyt("an unbalanced quote", editLine(NYT, 100, l -> "\"" + l), notCsv, 100L, null, null),
                nyt(
                        "too few fields",
                        editLine(NYT, 110, l -> l.substring(0, l.lastIndexOf(','))),
                        invalid,
                        110L,
                        null,
                        field(NYT, 110, 0) + "," + field(NYT, 110, 1)),
                nyt(
                        "too many fields",
                        editLine(NYT, 111, l -> l + ",7"),
                        invalid,
                        111L,
                        null,
                        lines(NYT).get(110) + ",7"),
                nyt(
                        "the last line cut off",
                        NYT.substring(0, NYT.length() - 12),
                        invalid,
                        821L,
                        null,
                        "2022-04-19,806"),
                nyt("a semicolon delimiter", NYT.replace(',', ';'), missing, 1L, "date", null),
                nyt("a tab delimiter", NYT.replace(',', '\t'), missing, 1L, "date", null),
                nyt("invalid UTF-8", withBytes(NYT, 120, 11, (byte) 0xFF), notCsv, 120L, null, null),
                nyt(
                        "an overlong UTF-8 encoding",
                        withBytes(NYT, 121, 11, (byte) 0xC0, (byte) 0xAF),
                        notCsv,
                        121L,
                        null,
                        null),
                nyt(
                        "a UTF-8 encoded surrogate",
                        withBytes(NYT, 122, 11, (byte) 0xED, (byte) 0xA0, (byte) 0x80),
                        notCsv,
                        122L,
                        null,
                        null),
                nyt(
                        "UTF-16 with a byte order mark",
                        ("\uFEFF" + NYT).getBytes(StandardCharsets.UTF_16LE),
                        notCsv,
                        null,
                        null,
                        null),
                nyt(
                        "UTF-16 without a byte order mark",
                        NYT.getBytes(StandardCharsets.UTF_16BE),
                        notCsv,
                        null,
                        null,
                        null),
                nyt("a NUL byte in the header", withBytes(NYT, 1, 2, (byte) 0), notCsv, null, null, null),
                nyt(
                        "an HTML page served as text/csv",
                        "<!DOCTYPE html>\n<html><body>Service Unavailable</body></html>",
                        notCsv,
                        null,
                        null,
                        null),
                nyt("an empty file", new byte[0], notCsv, null, null, null),
                nyt("only a header", nytHeader + "\n", ErrorKind.EMPTY_SOURCE, 1L, null, null),
                nyt("only a header without a newline", nytHeader, ErrorKind.EMPTY_SOURCE, 1L, null, null),
                nyt(
                        "only blank lines after the header",
                        nytHeader + "\n\n\n\n",
                        ErrorKind.EMPTY_SOURCE,
                        1L,
                        null,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failing")
    void a_malformed_file_fails_where_it_is_malformed_and_loses_nothing(Variant variant) {
        for (TestRig rig : List.of(empty, loaded)) {
            FailureWitness witness = rig == empty ? emptyWitness : loadedWitness;
            String other = variant.source().equals("nyt") ? "jhu" : "nyt";
            rig.server.script("/" + variant.source() + ".csv", SourceServer.body(variant.body()));
            rig.server.serveFile(
                    "/" + other + ".csv",
                    other.equals("nyt") ? SharedData.nyt("2022-04-19") : SharedData.jhu("2021-02-01"));
            PipelineSpec spec = witness.watch(rig.covidUs());
            Run run = rig.run(spec);

            String path = rig == empty ? "first load" : "later load";
            RunError error = witness.assertFailedCleanly(spec, run, variant.kind());
            assertThat(error.source()).as(path).isEqualTo(variant.source());
            assertThat(error.line()).as(path + ": line").isEqualTo(variant.line());
            assertThat(error.column()).as(path + ": column").isEqualTo(variant.column());
            if (variant.value() != null) {
                assertThat(error.value()).as(path + ": value").isEqualTo(variant.value());
            }
            assertThat(error.message())
                    .as(path)
                    .startsWith(variant.source())
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ");
        }
    }

    static Stream<Variant> tolerated() {
        List<String> nyt = lines(NYT);
        String header = nyt.get(0);
        return Stream.of(
                nyt(
                        "columns in another order",
                        nyt.stream()
                                .map(l -> {
                                    String[] f = l.split(",");
                                    return f[2] + "," + f[0] + "," + f[1];
                                })
                                .collect(Collectors.joining("\n")),
                        null,
                        null,
                        null,
                        null),
                nyt(
                        "an extra column with commas in quotes",
                        nyt.stream()
                                .map(l -> l + (l.equals(header) ? ",note" : ",\"revised, see notes\""))
                                .collect(Collectors.joining("\n")),
                        null,
                        null,
                        null,
                        null),
                nyt(
                        "a byte order mark and CRLF",
                        "\uFEFF" + NYT.replace("\n", "\r\n") + "\r\n",
                        null,
                        null,
                        null,
                        null),
                nyt(
                        "integers written as floats",
                        nyt.stream().map(l -> l.equals(header) ? l : l + ".0").collect(Collectors.joining("\n")),
                        null,
                        null,
                        null,
                        null),
                nyt(
                        "every value quoted",
                        nyt.stream()
                                .map(l -> Arrays.stream(l.split(","))
                                        .map(f -> "\"" + f + "\"")
                                        .collect(Collectors.joining(",")))
                                .collect(Collectors.joining("\n")),
                        null,
                        null,
                        null,
                        null),
                nyt(
                        "spaces around headers and values",
                        nyt.stream()
                                .map(l -> Arrays.stream(l.split(","))
                                        .map(f -> " " + f + "  ")
                                        .collect(Collectors.joining(",")))
                                .collect(Collectors.joining("\n")),
                        null,
                        null,
                        null,
                        null),
                nyt("blank lines between rows", NYT.replace("\n2021-", "\n\n2021-"), null, null, null, null),
                // Recognised by its bytes and unpacked while read: a .gz file served as it is, without
                // Content-Encoding, is still the CSV it packs.
                nyt("gzip bytes without Content-Encoding", Packing.gzip(utf8(NYT)), null, null, null, null),
                jhu(
                        "invalid values in rows the filters drop",
                        setField(setField(JHU, 2, 3, "-1"), 3, 0, "not a date"),
                        null,
                        null,
                        null,
                        null),
                jhu(
                        "a placeholder count in a column nobody uses",
                        setField(JHU, JHU_US_LINE, 5, "-1"),
                        null,
                        null,
                        null,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tolerated")
    void a_file_a_careful_loader_accepts_loads_the_independently_computed_table(Variant variant) throws Exception {
        try (TestRig rig = new TestRig()) {
            rig.server
                    .serveFile("/nyt.csv", SharedData.nyt("2022-04-19"))
                    .serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
            rig.server.script("/" + variant.source() + ".csv", SourceServer.body(variant.body()));
            Run run = rig.run(rig.covidUs());

            assertThat(run.status())
                    .as(run.error().map(RunError::message).orElse(""))
                    .isEqualTo(RunStatus.SUCCEEDED);
            try (Connection c = rig.database.connect()) {
                ExpectedCovidTable.create(c, "expected", SharedData.nyt("2022-04-19"), SharedData.jhu("2021-02-01"));
            }
            assertThat(rig.count("select count(*) from (select date, cases, deaths, recovered from covid_us_daily"
                            + " except select * from expected) d"))
                    .isZero();
            assertThat(rig.count("select count(*) from (select * from expected except"
                            + " select date, cases, deaths, recovered from covid_us_daily) d"))
                    .isZero();
        }
    }

    /** A header, then a line of {@code length} bytes that never ends, streamed without Content-Length. */
    private static SourceServer.Step endlessLine(long length, AtomicLong sent) {
        return exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("date,cases,deaths\n2020-01-21,".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) '7');
            for (long written = 0; written < length; written += chunk.length) {
                out.write(chunk);
                sent.addAndGet(chunk.length);
            }
            out.close();
        };
    }

    @Test
    void a_two_gigabyte_line_is_refused_while_it_streams_without_reading_it_all() {
        AtomicLong sent = new AtomicLong();
        empty.server.script("/nyt.csv", endlessLine(2L << 30, sent));
        empty.server.serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
        // A limit above the body's size: the parser, not the size limit, must be what stops it.
        PipelineSpec spec = TestRig.withFetch(
                emptyWitness.watch(empty.covidUs()),
                FetchSettings.DEFAULTS
                        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10))
                        .withRetries(1, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1))
                        .withMaxBytes(4L << 30));
        Run run = empty.run(spec);

        RunError error = emptyWitness.assertFailedCleanly(spec, run, ErrorKind.NOT_CSV);
        assertThat(error.source()).isEqualTo("nyt");
        assertThat(error.line()).isEqualTo(2L);
        assertThat(error.message()).contains("has a field longer than 16,777,216 characters");
        assertThat(sent.get()).as("bytes sent before sluice hung up").isLessThan(1L << 30);
    }

    @Test
    void a_two_gigabyte_body_announced_by_its_length_is_refused_before_it_is_read() {
        AtomicLong sent = new AtomicLong();
        empty.server.script("/nyt.csv", exchange -> {
            exchange.sendResponseHeaders(200, 2L << 30);
            exchange.getResponseBody().write("date,cases,deaths\n".getBytes(StandardCharsets.US_ASCII));
            sent.addAndGet(18);
            exchange.getResponseBody().flush();
        });
        empty.server.serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
        PipelineSpec spec = TestRig.withFetch(emptyWitness.watch(empty.covidUs()), FetchSettings.DEFAULTS);
        Run run = empty.run(spec);

        RunError error = emptyWitness.assertFailedCleanly(spec, run, ErrorKind.TOO_LARGE);
        assertThat(error.message()).contains("2147483648 bytes").contains("fetch.max_bytes");
    }

    /** The bundled covid-us file with {@code invalid_rows: skip}, read as a user's file would be. */
    private static PipelineSpec skipping(TestRig rig) throws IOException {
        String bundled;
        try (InputStream in = MalformedCorpusIT.class.getResourceAsStream("/pipelines/covid-us.yaml")) {
            bundled = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(bundled).contains("invalid_rows: fail_run");
        PipelineSpec spec = new PipelineFileReader(Trust.none())
                .parse(
                        "skipping.yaml",
                        bundled.replace("invalid_rows: fail_run", "invalid_rows: skip"),
                        Optional.empty());
        assertThat(spec.invalidRows().policy()).isEqualTo(InvalidRowPolicy.SKIP);
        return TestRig.withFastFetch(
                spec.withSourceUrls(Map.of("nyt", rig.server.url("/nyt.csv"), "jhu", rig.server.url("/jhu.csv"))));
    }

    @Test
    void under_the_skip_policy_invalid_rows_are_left_out_and_named_in_a_warning() throws IOException {
        try (TestRig rig = new TestRig()) {
            rig.server.serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
            rig.server.script("/nyt.csv", SourceServer.body(utf8(setField(setField(NYT, 20, 2, "-1"), 700, 1, "x"))));
            Run run = rig.run(skipping(rig));

            assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.inserted()).isEqualTo(818);
            assertThat(run.warnings())
                    .anySatisfy(w -> assertThat(w)
                            .contains("nyt: skipped 2 invalid rows")
                            .contains("line 20, column deaths: '-1'"));
            assertThat(rig.count("select count(*) from covid_us_daily where date in ('" + field(NYT, 20, 0) + "', '"
                            + field(NYT, 700, 0) + "')"))
                    .isZero();
        }
    }

    @Test
    void a_cumulative_count_that_falls_is_kept_and_warned_about() {
        try (TestRig rig = new TestRig()) {
            rig.server.serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
            String date = field(NYT, 500, 0);
            rig.server.script("/nyt.csv", SourceServer.body(utf8(setField(NYT, 500, 2, "7"))));
            Run run = rig.run(rig.covidUs());

            assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.warnings())
                    .anySatisfy(w -> assertThat(w)
                            .contains("nyt: deaths fell from "
                                    + String.format(Locale.ROOT, "%,d", Long.parseLong(field(NYT, 499, 2)))
                                    + " to 7 on " + date)
                            .contains("kept as reported"));
            assertThat(rig.text("select deaths from covid_us_daily where date = '" + date + "'"))
                    .hasValue("7");
        }
    }
}
