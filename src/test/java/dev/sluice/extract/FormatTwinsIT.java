package dev.sluice.extract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.init.Initializer;
import dev.sluice.testing.Packing;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real file (the New York Times' national series, as published on 2022-04-19) served in every packing sluice
 * reads loads the very table its plain CSV twin loads; and each packing's hostile bodies (a bomb, a truncation, a
 * header asking for gigabytes of memory) fail the run as they should, leaving the table exactly as it was.
 */
class FormatTwinsIT {
    private static final String DATE = "2022-04-19";
    private static TestRig rig;
    private static byte[] csv;

    @BeforeAll
    static void start() throws Exception {
        rig = new TestRig();
        csv = Files.readAllBytes(SharedData.nyt(DATE));
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    private static final String CSV_COLUMNS = """
            - { header: date, type: date }
            - { header: cases, type: integer }
            - { header: deaths, type: integer }
            """;

    private static PipelineSpec pipeline(String name, String extra) {
        return pipeline(name, extra, CSV_COLUMNS);
    }

    private static PipelineSpec pipeline(String name, String extra, String columns) {
        String yaml = """
                name: %s
                sources:
                  - name: nyt
                    url: %s
                %s
                    key: [date]
                    columns:
                %s
                target: { table: %s }
                """.formatted(
                        name,
                        rig.server.url("/" + name),
                        extra.indent(4).stripTrailing(),
                        columns.indent(6).stripTrailing(),
                        name);
        PipelineSpec spec = new PipelineFileReader(Trust.none().allowingPlaintextTo("127.0.0.1"))
                .parse(name + ".yaml", yaml, Optional.empty());
        // Fast retries, unless the case sets its own download limits.
        return extra.contains("fetch:") ? spec : TestRig.withFastFetch(spec);
    }

    private static String loaded(String name, byte[] body) {
        return loaded(name, body, "");
    }

    private static String loaded(String name, byte[] body, String extra) {
        return loaded(name, body, extra, CSV_COLUMNS);
    }

    private static String loaded(String name, byte[] body, String extra, String columns) {
        rig.server.script("/" + name, SourceServer.body(body));
        Run run = rig.run(pipeline(name, extra, columns));
        assertThat(run.status()).as(name + ": " + run.error()).isEqualTo(RunStatus.SUCCEEDED);
        return content(name);
    }

    /** The table's rows as text, in key order: equal for equal tables whichever transaction wrote them. */
    private static String content(String table) {
        return rig.text("select count(*) || ':' || md5(string_agg(t::text, '|' order by date)) from " + table + " t")
                .orElseThrow();
    }

    @Test
    void every_packing_loads_the_table_its_csv_twin_loads() {
        String twin = loaded("plain", csv);
        // Independently of sluice: the file's data lines, one row each (the key, a date, is unique in this file).
        long lines = new String(csv, java.nio.charset.StandardCharsets.UTF_8)
                        .lines()
                        .filter(l -> !l.isBlank())
                        .count()
                - 1;
        assertThat(rig.count("select count(*) from plain")).isEqualTo(lines).isGreaterThan(700);
        Map<String, byte[]> packed = new LinkedHashMap<>();
        packed.put("gzip", Packing.gzip(csv));
        packed.put("zip", Packing.zip(Map.of("us.csv", csv)));
        packed.put("bzip2", Packing.bzip2(csv));
        packed.put("xz", Packing.xz(csv));
        packed.put("zstd", Packing.zstd(csv));
        for (Map.Entry<String, byte[]> body : packed.entrySet()) {
            assertThat(body.getValue().length).as(body.getKey() + " packs").isLessThan(csv.length / 2);
            assertThat(loaded(body.getKey(), body.getValue()))
                    .as(body.getKey() + " loads its twin's table")
                    .isEqualTo(twin);
        }
    }

    private static final String TOLERANT = "duplicate_keys: keep_first";

    /** The file's rows, split by hand: the NYT national file quotes nothing. */
    private static List<String[]> rows() {
        return new String(csv, java.nio.charset.StandardCharsets.UTF_8)
                .lines()
                .skip(1)
                .filter(l -> !l.isBlank())
                .map(l -> l.split(",", -1))
                .toList();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void json_lines_an_array_and_nested_records_load_the_table_their_csv_twin_loads() {
        String twin = loaded("plain_for_json", csv);
        StringBuilder lines = new StringBuilder();
        StringBuilder array = new StringBuilder("[\n");
        StringBuilder nested =
                new StringBuilder("{\"meta\": {\"source\": \"nyt\", \"rows\": [1, 2]},\n \"data\": {\"rows\": [\n");
        List<String[]> rows = rows();
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            String object = "{\"date\": \"%s\", \"cases\": %s, \"deaths\": %s, \"note\": {\"x\": [1, {\"y\": null}]}}"
                    .formatted(r[0], r[1], r[2]);
            lines.append(object).append('\n');
            array.append("  ").append(object).append(i + 1 < rows.size() ? ",\n" : "\n");
            nested.append("  {\"day\": {\"date\": \"%s\"}, \"counts\": {\"cases\": %s, \"deaths\": %s}}%s\n"
                    .formatted(r[0], r[1], r[2], i + 1 < rows.size() ? "," : ""));
        }
        array.append("]\n");
        nested.append("]}, \"next\": null}\n");
        String json = """
                - { path: date, type: date }
                - { path: cases, type: integer }
                - { path: deaths, type: integer }
                """;
        assertThat(loaded("json_lines", utf8(lines.toString()), "format: json", json))
                .isEqualTo(twin);
        assertThat(loaded("json_array", Packing.zstd(utf8(array.toString())), "format: json", json))
                .isEqualTo(twin);
        assertThat(loaded("json_nested", utf8(nested.toString()), "format: json\nrecords: data.rows", """
                        - { path: day.date, as: date, type: date }
                        - { path: counts.cases, as: cases, type: integer }
                        - { path: counts.deaths, as: deaths, type: integer }
                        """))
                .isEqualTo(twin);
        // A field whose name holds a dot, written \. in the path (unquoted in YAML, and in double quotes).
        String dotted = nested.toString()
                .replace("\"day\": {\"date\"", "\"day.1\": {\"the.date\"")
                .replace("\"cases\"", "\"2. cases\"");
        assertThat(loaded("json_dotted", utf8(dotted), "format: json\nrecords: data.rows", """
                        - { path: day\\.1.the\\.date, as: date, type: date }
                        - { path: "counts.2\\\\. cases", as: cases, type: integer }
                        - { path: counts.deaths, as: deaths, type: integer }
                        """))
                .isEqualTo(twin);
    }

    @Test
    void init_guesses_each_json_shape_and_its_file_loads_the_twins_values(@TempDir Path dir) throws Exception {
        loaded("plain_for_init", csv);
        List<List<String>> twin =
                rig.rows("select date::text, cases::text, deaths::text from plain_for_init order by 1");
        StringBuilder lines = new StringBuilder();
        StringBuilder nested = new StringBuilder("{\"meta\": {\"tags\": [\"a\", \"b\"]}, \"data\": {\"rows\": [\n");
        // Names with dots, as some APIs write them ("1. open"), in the records' path and in their fields.
        StringBuilder dotted =
                new StringBuilder("{\"Meta Data\": {\"1. Information\": \"daily\"}, \"Time Series.daily\": [\n");
        List<String[]> rows = rows();
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            dotted.append("{\"1. date\": \"%s\", \"counts\": {\"2. cases\": %s, \"3. deaths\": %s}}%s\n"
                    .formatted(r[0], r[1], r[2], i + 1 < rows.size() ? "," : ""));
            lines.append("{\"date\": \"%s\", \"cases\": %s, \"deaths\": %s, \"src\": [{\"n\": 1}]}\n"
                    .formatted(r[0], r[1], r[2]));
            nested.append("{\"day\": {\"date\": \"%s\"}, \"counts\": {\"cases\": %s, \"deaths\": %s}}%s\n"
                    .formatted(r[0], r[1], r[2], i + 1 < rows.size() ? "," : ""));
        }
        nested.append("]}}\n");
        dotted.append("]}\n");
        Map<String, String> shapes = Map.of(
                "init_lines", lines.toString(), "init_nested", nested.toString(), "init_dotted", dotted.toString());
        for (Map.Entry<String, String> shape : shapes.entrySet()) {
            String name = shape.getKey();
            rig.server.script("/" + name + ".json", SourceServer.body(utf8(shape.getValue())));
            Initializer.Result result = rig.wiring
                    .initializer()
                    .initialize(new Initializer.Request(
                            List.of(rig.server.url("/" + name + ".json").toString()), Optional.of(name), dir));
            String yaml = result.yaml();
            assertThat(yaml).contains("format: json");
            Path file = dir.resolve(name + ".yaml");
            Files.writeString(file, yaml);
            Run run = rig.run(rig.wiring.readPipeline(file.toString()));
            assertThat(run.status()).as(yaml + run.error()).isEqualTo(RunStatus.SUCCEEDED);
            String select = switch (name) {
                case "init_lines" -> "select date::text, cases::text, deaths::text from init_lines order by 1";
                case "init_nested" ->
                    "select day_date::text, counts_cases::text, counts_deaths::text from init_nested order by 1";
                // Whatever init named its columns: the table's three, in the records' order.
                default -> "select * from init_dotted order by 1";
            };
            assertThat(rig.rows(select)).as(yaml).isEqualTo(twin);
            if (name.equals("init_nested")) {
                assertThat(yaml).contains("records: \"data.rows\"").contains("path: \"counts.cases\"");
                assertThat(result.key()).containsExactly("day_date");
            }
            if (name.equals("init_dotted")) {
                // In YAML's double quotes a backslash is written twice: the path is Time Series\.daily.
                assertThat(yaml)
                        .contains("records: \"Time Series\\\\.daily\"")
                        .contains("path: \"counts.2\\\\. cases\"");
                assertThat(rig.count(
                                "select count(*) from information_schema.columns where table_name = 'init_dotted'"))
                        .isEqualTo(3);
            }
        }
        // A workbook: its largest sheet, its date-styled serial numbers guessed as dates.
        rig.server.script("/init_book.xlsx", SourceServer.body(workbook(0, r -> r)));
        Initializer.Result book = rig.wiring
                .initializer()
                .initialize(new Initializer.Request(
                        List.of(rig.server.url("/init_book.xlsx").toString()), Optional.of("init_book"), dir));
        assertThat(book.yaml())
                .contains("format: xlsx")
                .contains("sheet: \"Daily\"")
                .contains("type: date");
        Path file = dir.resolve("init_book.yaml");
        Files.writeString(file, book.yaml());
        Run run = rig.run(rig.wiring.readPipeline(file.toString()));
        assertThat(run.status()).as(book.yaml() + run.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(rig.rows("select date::text, cases::text, deaths::text from init_book order by 1"))
                .isEqualTo(twin);
    }

    /** The NYT file as a workbook: dates as serial numbers with a date style, counts as numbers. */
    private static byte[] workbook(long emptyRows, java.util.function.UnaryOperator<List<Object>> edit) {
        List<List<Object>> rows = new java.util.ArrayList<>();
        rows.add(List.of("date", "cases", "deaths"));
        for (String[] r : rows()) {
            long serial = java.time.temporal.ChronoUnit.DAYS.between(
                    java.time.LocalDate.of(1899, 12, 30), java.time.LocalDate.parse(r[0]));
            rows.add(edit.apply(List.of(
                    new Packing.XlsxNumber(String.valueOf(serial), true),
                    new Packing.XlsxNumber(r[1], false),
                    new Packing.XlsxNumber(r[2], false))));
        }
        return Packing.xlsx("Daily", rows, emptyRows);
    }

    @Test
    void a_workbook_loads_its_csv_twins_table_past_a_million_formatted_empty_rows() {
        String twin = loaded("plain_for_xlsx", csv);
        // By hand: Excel numbers 2020-01-01 as 43831, so the file's first day, 2020-01-21, is 43851.
        assertThat(java.time.temporal.ChronoUnit.DAYS.between(
                        java.time.LocalDate.of(1899, 12, 30), java.time.LocalDate.of(2020, 1, 21)))
                .isEqualTo(43851);
        assertThat(loaded("xlsx", workbook(1_000_000, r -> r), "format: xlsx\nsheet: Daily"))
                .isEqualTo(twin);
        assertThat(rig.count("select count(*) from xlsx")).isEqualTo(rows().size());
    }

    @Test
    void hostile_workbooks_fail_precisely_and_change_nothing() {
        String name = "xlsx_hostile";
        loaded(name, workbook(0, r -> r), "format: xlsx\nsheet: Daily");
        String before = content(name);
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        // Row 5's cases: text where a number is declared.
        java.util.concurrent.atomic.AtomicInteger row = new java.util.concurrent.atomic.AtomicInteger(1);
        bodies.put(
                "sheet 'Daily' line 5, column cases (cell B5): 'many'",
                workbook(0, r -> row.incrementAndGet() == 5 ? List.of(r.get(0), "many", r.get(2)) : r));
        byte[] whole = workbook(0, r -> r);
        bodies.put("is not an .xlsx workbook", Arrays.copyOf(whole, whole.length / 2));
        for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
            rig.server.script("/" + name, SourceServer.body(body.getValue()));
            Run run = rig.run(pipeline(name, "format: xlsx\nsheet: Daily", CSV_COLUMNS));
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.error().orElseThrow().message()).contains(body.getKey());
            assertThat(content(name)).isEqualTo(before);
        }
        rig.server.script("/" + name, SourceServer.body(whole));
        Run missing = rig.run(pipeline(name, "format: xlsx\nsheet: Weekly", CSV_COLUMNS));
        assertThat(missing.error().orElseThrow().message())
                .contains("has no sheet 'Weekly'; it has ['Notes', 'Daily']");
        // A sheet of a million formatted empty rows, over a limit of 8 MiB unpacked: a bomb inside the zip.
        rig.server.script("/" + name, SourceServer.body(workbook(1_000_000, r -> r)));
        Run bomb = rig.run(pipeline(name, "format: xlsx\nsheet: Daily\nfetch: { max_bytes: 8MiB }", CSV_COLUMNS));
        assertThat(bomb.status()).isEqualTo(RunStatus.FAILED);
        assertThat(bomb.error().orElseThrow().message()).contains("unpacks to more than 8,388,608 bytes");
        assertThat(content(name)).isEqualTo(before);
    }

    @Test
    void hostile_json_fails_precisely_and_changes_nothing() {
        String name = "json_hostile";
        String columns = """
                - { path: date, type: date }
                - { path: counts.cases, as: cases, type: integer }
                - { path: deaths, type: integer, required: false }
                """;
        String good = "{\"date\": \"2020-01-21\", \"counts\": {\"cases\": 1}, \"deaths\": 0}\n"
                + "{\"date\": \"2020-01-22\", \"counts\": {\"cases\": 2}, \"deaths\": 0}\n";
        loaded(name, utf8(good), "format: json", columns);
        String before = content(name);

        Map<String, String> cases = new LinkedHashMap<>();
        // A value error names the record's line and the field's path.
        cases.put(
                good + "\n{\"date\": \"2020-01-23\",\n \"counts\": {\"cases\": \"many\"}, \"deaths\": 0}\n",
                "line 4, column counts.cases: 'many'");
        cases.put("[" + good.replace("}\n{", "},\n{").strip(), "line 2: is not well-formed JSON: ends early");
        cases.put(good + "[1, 2]\n", "line 3: is not well-formed JSON: a record must be an object, found an array");
        cases.put(
                good + "{\"date\": \"2020-01-23\", \"deaths\": " + "[".repeat(100_000) + "\n",
                "is not well-formed JSON: Document nesting depth (65) exceeds the maximum allowed (64");
        cases.put(good + "{\"date\": \"2020-01-23\", \"deaths\": 1} trailing\n", "line 3: is not well-formed JSON");
        for (Map.Entry<String, String> hostile : cases.entrySet()) {
            rig.server.script("/" + name, SourceServer.body(utf8(hostile.getKey())));
            Run run = rig.run(pipeline(name, "format: json", columns));
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.error().orElseThrow().message()).contains(hostile.getValue());
            assertThat(content(name)).isEqualTo(before);
        }
        // A field renamed upstream loads as no value where it may, and the run says so.
        rig.server.script("/" + name, SourceServer.body(utf8(good.replace("\"deaths\"", "\"died\""))));
        Run drifted = rig.run(pipeline(name, "format: json", columns));
        assertThat(drifted.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(drifted.warnings()).anySatisfy(w -> assertThat(w).contains("no record has the field deaths"));
    }

    /** A publication that fails: the run is recorded failed with this kind, and the table is as it was. */
    private static String failed(String name, byte[] body, ErrorKind kind) {
        String before = rig.tableState(name, "date");
        rig.server.script("/" + name, SourceServer.body(body));
        // Repeated keys are kept first: a bomb of one repeated row would fail as duplicate keys first.
        Run run = rig.run(pipeline(name, TOLERANT));
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.error().orElseThrow().kind()).as(run.error().toString()).isEqualTo(kind);
        assertThat(rig.tableState(name, "date")).isEqualTo(before);
        return run.error().orElseThrow().message();
    }

    @Test
    void bombs_truncations_and_greedy_headers_fail_and_change_nothing() {
        // A bomb is text, or the sniffer would refuse it first: 8 MiB of one row, repeated.
        byte[] zeros = ("date,cases,deaths\n" + "2020-01-01,1,1\n".repeat((8 << 20) / 15))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Map<String, UnaryOperator<byte[]>> packings = Map.of(
                "bomb_bzip2", Packing::bzip2,
                "bomb_xz", Packing::xz,
                "bomb_zstd", Packing::zstd);
        for (Map.Entry<String, UnaryOperator<byte[]>> packing : packings.entrySet()) {
            String name = packing.getKey();
            String kind = name.substring("bomb_".length());
            loaded(name, packing.getValue().apply(csv), TOLERANT);
            assertThat(failed(name, packing.getValue().apply(zeros), ErrorKind.TOO_LARGE))
                    .contains("the " + kind + " body unpacks to more than 250 times its size");
            byte[] whole = packing.getValue().apply(csv);
            assertThat(failed(name, Arrays.copyOf(whole, whole.length / 2), ErrorKind.NOT_CSV))
                    .contains("the " + kind + " data ends early: the file is truncated");
        }
        assertThat(failed("bomb_xz", xzAsking(36), ErrorKind.TOO_LARGE))
                .contains("the xz body asks for")
                .contains("more than the 70 MiB sluice allows");
        assertThat(failed("bomb_zstd", zstdWindow(31), ErrorKind.TOO_LARGE))
                .contains("the zstd body asks for a window larger than the 128 MiB sluice allows");
    }

    /**
     * The real file in xz, its block header then saying the dictionary is of size code {@code code} (36: 1 GiB),
     * with the header's CRC-32 written again: a valid stream a decoder must refuse before allocating.
     */
    private static byte[] xzAsking(int code) {
        byte[] xz = Packing.xz(csv);
        int header = 12;
        int size = ((xz[header] & 0xff) + 1) * 4;
        // Block flags without sizes: the filter flags follow, LZMA2 (0x21), one byte of properties, the dictionary.
        assertThat(xz[header + 1]).isZero();
        assertThat(xz[header + 2]).isEqualTo((byte) 0x21);
        xz[header + 4] = (byte) code;
        CRC32 crc = new CRC32();
        crc.update(xz, header, size - 4);
        long value = crc.getValue();
        for (int i = 0; i < 4; i++) {
            xz[header + size - 4 + i] = (byte) (value >>> (8 * i));
        }
        return xz;
    }

    /** The real file in zstd, its frame's window descriptor then saying 2^{@code log} bytes (RFC 8878, 3.1.1.1.2). */
    private static byte[] zstdWindow(int log) {
        byte[] zstd = Packing.zstd(csv);
        assertThat(zstd[4] & 0x20)
                .as("a streamed frame has a window descriptor")
                .isZero();
        zstd[5] = (byte) ((log - 10) << 3);
        return zstd;
    }

    @Test
    void a_declared_packing_the_bytes_contradict_fails_naming_both() {
        rig.server.script("/declared", SourceServer.body(Packing.xz(csv)));
        Run run = rig.run(pipeline("declared", "compression: none"));
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.error().orElseThrow().message())
                .contains("xz-compressed")
                .contains("compression: none");
        assertThat(List.of(run.error().orElseThrow().kind())).containsExactly(ErrorKind.NOT_CSV);
    }
}
