package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.config.FetchSettings;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.history.SourceSummary;
import dev.sluice.testing.FailureWitness;
import dev.sluice.testing.Packing;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import dev.sluice.testing.TestRig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A source of several files (a list; a template over dates), packed in every way sluice unpacks, and every hostile
 * case of them: bombs, truncated archives, a day not published, a file whose schema changed, a key repeated across
 * files. A failure leaves the target exactly as it was, is recorded and notified, and names its file.
 */
class SeveralFilesIT {
    /** Runs of this class happen on 2021-03-03 (UTC), whatever today is: a template's window is fixed. */
    private static final Clock MARCH_3 = Clock.fixed(Instant.parse("2021-03-03T12:00:00Z"), ZoneOffset.UTC);

    private static final String LISTED = """
            name: readings
            sources:
              - name: readings
                urls: [%s]
                key: [station, at]
                columns:
                  - { header: station }
                  - { header: at, type: timestamptz }
                  - { header: value, type: double }
            target: { table: readings }
            """;

    private static final String DATED = """
            name: readings
            sources:
              - name: readings
                url: %s/daily/{date:yyyy-MM-dd}.csv.gz
                dates: { last: 3 }
                missing: %s
                key: [station, at]
                columns:
                  - { header: station }
                  - { header: at, type: timestamptz }
                  - { header: value, type: double }
            target: { table: readings }
            """;

    private TestRig rig;
    private FailureWitness witness;

    @BeforeEach
    void start() {
        rig = new TestRig(TestDatabase.createDatabase(), Map.of(), MARCH_3);
        witness = new FailureWitness(rig, "readings", "station, at");
    }

    @AfterEach
    void stop() {
        witness.close();
        rig.close();
    }

    private static String day(String date, double... values) {
        StringBuilder csv = new StringBuilder("station,at,value\n");
        for (int i = 0; i < values.length; i++) {
            csv.append("S")
                    .append(i)
                    .append(',')
                    .append(date)
                    .append("T00:00:00Z,")
                    .append(values[i])
                    .append('\n');
        }
        return csv.toString();
    }

    private PipelineSpec listed(String... paths) {
        String urls = String.join(
                ", ",
                Arrays.stream(paths).map(p -> rig.server.url(p).toString()).toList());
        return spec(LISTED.formatted(urls));
    }

    private PipelineSpec dated(String missing) {
        return spec(DATED.formatted(rig.server.url("").toString().replaceAll("/$", ""), missing));
    }

    private PipelineSpec spec(String yaml) {
        return witness.watch(TestRig.withFastFetch(
                new PipelineFileReader(Trust.none()).parse("readings.yaml", yaml, Optional.empty())));
    }

    /** Three days in a plain file, a gzip file and a zip: loaded; then nothing changed; then one day revised. */
    @Test
    void each_file_keeps_its_own_state_and_only_a_changed_one_is_read_again() {
        rig.server.script("/d1.csv", SourceServer.body(utf8(day("2021-03-01", 1, 2))));
        rig.server.script("/d2.csv.gz", SourceServer.body(Packing.gzip(utf8(day("2021-03-02", 3, 4)))));
        rig.server.script("/d3.zip", SourceServer.body(Packing.zip(Map.of("d3.csv", utf8(day("2021-03-03", 5, 6))))));
        PipelineSpec spec = listed("/d1.csv", "/d2.csv.gz", "/d3.zip");

        Run first = rig.run(spec);
        assertThat(first.status()).as(message(first)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(first.inserted()).isEqualTo(6);
        assertThat(rig.rows("select station, at::text, value from readings where station = 'S1' order by at"))
                .containsExactly(
                        List.of("S1", "2021-03-01 00:00:00+00", "2"),
                        List.of("S1", "2021-03-02 00:00:00+00", "4"),
                        List.of("S1", "2021-03-03 00:00:00+00", "6"));

        Run again = rig.run(spec);
        assertThat(again.status()).isEqualTo(RunStatus.UNCHANGED);
        assertThat(again.sources().get("readings").files())
                .extracting(SourceSummary.FileSummary::notModified)
                .containsExactly(true, true, true);

        rig.server.script("/d2.csv.gz", SourceServer.body(Packing.gzip(utf8(day("2021-03-02", 3, 40)))));
        Run revised = rig.run(spec);
        assertThat(revised.status()).as(message(revised)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(List.of(revised.inserted(), revised.updated(), revised.unchanged()))
                .isEqualTo(List.of(0L, 1L, 5L));
        assertThat(revised.sources().get("readings").files())
                .extracting(SourceSummary.FileSummary::file, SourceSummary.FileSummary::notModified)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("d1.csv", true),
                        org.assertj.core.groups.Tuple.tuple("d2.csv.gz", false),
                        org.assertj.core.groups.Tuple.tuple("d3.zip", true));
        assertThat(rig.server.requests("/d1.csv").get(2).header("If-None-Match"))
                .isNotNull();
    }

    @Test
    void a_template_skips_a_day_not_published_yet_when_told_to_and_fails_naming_it_otherwise() {
        rig.server.script("/daily/2021-03-01.csv.gz", SourceServer.body(Packing.gzip(utf8(day("2021-03-01", 1)))));
        rig.server.script("/daily/2021-03-02.csv.gz", SourceServer.body(Packing.gzip(utf8(day("2021-03-02", 2)))));
        rig.server.script("/daily/2021-03-03.csv.gz", SourceServer.status(404));

        witness.remember();
        PipelineSpec strict = dated("fail");
        Run failed = rig.run(strict);
        RunError error = witness.assertFailedCleanly(strict, failed, ErrorKind.SOURCE_UNAVAILABLE);
        assertThat(error.message()).contains("2021-03-03.csv.gz").contains("404");

        Run skipping = rig.run(dated("skip"));
        assertThat(skipping.status()).as(message(skipping)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(skipping.inserted()).isEqualTo(2);
        assertThat(skipping.warnings())
                .anySatisfy(w -> assertThat(w)
                        .contains("1 of 3 files not published, skipped")
                        .contains("2021-03-03.csv.gz"));
        assertThat(skipping.sources().get("readings").files()).hasSize(2);
    }

    @Test
    void a_file_whose_schema_changed_fails_naming_the_file_and_the_target_is_untouched() {
        rig.server.script("/a.csv", SourceServer.body(utf8(day("2021-03-01", 1))));
        rig.server.script("/b.csv", SourceServer.body(utf8(day("2021-03-02", 2))));
        PipelineSpec spec = listed("/a.csv", "/b.csv");
        assertThat(rig.run(spec).status()).isEqualTo(RunStatus.SUCCEEDED);

        witness.remember();
        rig.server.script("/b.csv", SourceServer.body(utf8("station,time,value\nS0,2021-03-02T00:00:00Z,2\n")));
        Run run = rig.run(spec);
        RunError error = witness.assertFailedCleanly(spec, run, ErrorKind.MISSING_COLUMN);
        assertThat(error.file()).isEqualTo("b.csv");
        assertThat(error.message()).startsWith("readings b.csv: the header has no column at");
    }

    @Test
    void a_key_repeated_across_files_names_both_files_and_lines() {
        rig.server.script("/a.csv", SourceServer.body(utf8(day("2021-03-01", 1, 2))));
        rig.server.script("/b.csv", SourceServer.body(utf8(day("2021-03-01", 9))));
        PipelineSpec spec = listed("/a.csv", "/b.csv");
        witness.remember();
        Run run = rig.run(spec);
        RunError error = witness.assertFailedCleanly(spec, run, ErrorKind.DUPLICATE_KEY);
        assertThat(error.message()).contains("appears on a.csv line 2, b.csv line 2");
        assertThat(error.file()).isEqualTo("b.csv");
        assertThat(error.line()).isEqualTo(2L);
    }

    @Test
    void bombs_fail_as_too_large_after_reading_little() {
        // One row whose value is 200 MB of digits: no other check stops it first.
        byte[] bomb = packedRepeats(utf8("1"), 200L << 20);
        assertThat(bomb.length).as("the bomb's packed size").isLessThan(1 << 20);
        for (String path : List.of("/bomb.csv.gz", "/bomb.zip", "/encoded.csv")) {
            SourceServer.Step step = switch (path) {
                case "/bomb.csv.gz" -> SourceServer.body(bomb);
                case "/bomb.zip" -> SourceServer.body(zipOf(bomb));
                default ->
                    exchange -> {
                        exchange.getResponseHeaders().set("Content-Encoding", "gzip");
                        exchange.sendResponseHeaders(200, bomb.length);
                        exchange.getResponseBody().write(bomb);
                    };
            };
            rig.server.script(path, step);
            PipelineSpec spec = listed(path);
            witness.remember();
            Run run = rig.run(spec);
            RunError error = witness.assertFailedCleanly(spec, run, ErrorKind.TOO_LARGE);
            assertThat(error.message()).as(path).contains("fetch.max_ratio");
            java.util.regex.Matcher read =
                    java.util.regex.Pattern.compile("\\(([\\d,]+) bytes from").matcher(error.message());
            assertThat(read.find()).as(error.message()).isTrue();
            assertThat(Long.parseLong(read.group(1).replace(",", "")))
                    .as("bytes unpacked before the bomb was stopped")
                    .isLessThan(2L << 20);
        }
        rig.server.script(
                "/big.csv.gz",
                SourceServer.body(
                        Packing.gzip(utf8(day("2021-03-01", new double[5000]).replace("S0,", "x,")))));
        PipelineSpec limited = TestRig.withFetch(listed("/big.csv.gz"), FetchSettings.DEFAULTS.withMaxBytes(1 << 16));
        Run run = rig.run(limited);
        assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.TOO_LARGE);
        assertThat(run.error().orElseThrow().message()).contains("unpacks to more than 64KiB (fetch.max_bytes)");
    }

    @Test
    void truncated_archives_are_not_csv() {
        byte[] gz = Packing.gzip(utf8(day("2021-03-01", new double[2000])));
        byte[] zip = Packing.zip(Map.of("a.csv", utf8(day("2021-03-01", new double[2000]))));
        rig.server.script("/cut.csv.gz", SourceServer.body(Arrays.copyOf(gz, gz.length / 2)));
        rig.server.script("/cut.zip", SourceServer.body(Arrays.copyOf(zip, zip.length / 2)));
        for (String path : List.of("/cut.csv.gz", "/cut.zip")) {
            PipelineSpec spec = listed(path);
            witness.remember();
            Run run = rig.run(spec);
            RunError error = witness.assertFailedCleanly(spec, run, ErrorKind.NOT_CSV);
            assertThat(error.message()).as(path).contains("truncated");
        }
    }

    @Test
    void a_zip_of_several_files_needs_its_member_named() {
        rig.server.script(
                "/two.zip",
                SourceServer.body(Packing.zip(Map.of(
                        "readme.txt", utf8("about these readings\n"),
                        "readings.csv", utf8(day("2021-03-01", 1, 2))))));
        PipelineSpec spec = listed("/two.zip");
        witness.remember();
        Run run = rig.run(spec);
        RunError error = witness.assertFailedCleanly(spec, run, ErrorKind.NOT_CSV);
        assertThat(error.message()).contains("the zip holds several files").contains("member:");

        PipelineSpec named = spec(
                LISTED.formatted(rig.server.url("/two.zip")).replace("    key:", "    member: readings.csv\n    key:"));
        Run loaded = rig.run(named);
        assertThat(loaded.status()).as(message(loaded)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(loaded.inserted()).isEqualTo(2);
    }

    private static String message(Run run) {
        return run.error().map(RunError::message).orElse("");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A header and the start of a row, then {@code line} repeated to {@code size} bytes, gzip-packed. */
    private static byte[] packedRepeats(byte[] line, long size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(out, 1 << 16)) {
            gzip.write(utf8("station,at,value\nS0,2021-03-01T00:00:00Z,"));
            byte[] block = new byte[line.length * 4096];
            for (int i = 0; i < 4096; i++) {
                System.arraycopy(line, 0, block, i * line.length, line.length);
            }
            for (long written = 0; written < size; written += block.length) {
                gzip.write(block);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A zip whose one entry is the gzip bomb's text, deflated again. */
    private static byte[] zipOf(byte[] gzipped) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out);
                java.util.zip.GZIPInputStream in =
                        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipped))) {
            zip.putNextEntry(new ZipEntry("bomb.csv"));
            in.transferTo(zip);
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
