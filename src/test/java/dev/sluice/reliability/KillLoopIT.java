package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.testing.Packing;
import dev.sluice.testing.SftpServer;
import dev.sluice.testing.SluiceProcess;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice run} killed with SIGKILL at a random moment, again and again, each time while loading a new version
 * of 128,000 county rows: as one CSV file, as a history table, as four files of one source loaded as a mirror (one
 * each in gzip, zstd, xz and bzip2), as JSON Lines read over SFTP, and as a workbook. After every kill the target (a
 * history table's current versions) equals either the previous version or the new one, never a mixture; no run is
 * left RUNNING once the next run has started; and the next run succeeds and loads the new version. Expected contents
 * are digests computed here from the generated values, not read back through sluice. Slow (about seven minutes):
 * tagged, run by {@code .ci/run} with {@code -Pslow}.
 */
@Tag("slow")
class KillLoopIT {
    // 24 kills of the plain file (50 until the suite grew past 24 minutes of CI on 2 cores, 36 until the digest
    // comparison's tests joined it, 32 until the new sources' and formats' tests did, 28 until JSON, workbooks and
    // SFTP joined this loop): a fifth anywhere in a run, the rest where the load is. Every run after the first
    // compares with the last load's digest, so kills also land mid-comparison and between a commit and the digest
    // being kept. The other shapes share the load path the plain file's kills cover; their kills are where their
    // reading differs.
    private static final int KILLS = 24;
    private static final int PACKED_KILLS = 12;
    private static final int FORMAT_KILLS = 6;
    private static final int HISTORY_KILLS = 15;
    private static final int PARTS = 4;
    private static final int DAYS = 40;
    private static final int COUNTIES = 3_200;
    private static final LocalDate FIRST = LocalDate.of(2020, 3, 1);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    /** Version {@code v} of the file: every version has every key; about 5% of rows change from one to the next. */
    private static String version(int v) {
        return days(v, 0, DAYS);
    }

    private static String days(int v, int from, int to) {
        StringBuilder csv = new StringBuilder("date,county,state,fips,cases,deaths\n");
        for (int d = from; d < to; d++) {
            for (int c = 0; c < COUNTIES; c++) {
                csv.append(row(v, d, c)).append('\n');
            }
        }
        return csv.toString();
    }

    /** The same version as {@link #PARTS} files of ten days each, in four packings, one each: gzip, zstd, xz and bzip2, each unpacked while read and killed. */
    private static Map<String, byte[]> packedVersion(int v) {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        int per = DAYS / PARTS;
        List<java.util.function.UnaryOperator<byte[]>> packings =
                List.of(Packing::gzip, Packing::zstd, Packing::xz, Packing::bzip2);
        List<String> suffixes = List.of(".csv.gz", ".csv.zst", ".csv.xz", ".csv.bz2");
        for (int p = 0; p < PARTS; p++) {
            byte[] text = days(v, p * per, (p + 1) * per).getBytes(StandardCharsets.UTF_8);
            parts.put(
                    "/part-" + (p + 1) + suffixes.get(p % 4),
                    packings.get(p % 4).apply(text));
        }
        return parts;
    }

    private static String row(int v, int d, int c) {
        String county = county(c).contains(",") ? "\"" + county(c) + "\"" : county(c);
        return FIRST.plusDays(d) + "," + county + ",State " + c % 50 + "," + fips(c) + "," + cases(v, d, c) + "," + d;
    }

    private static String county(int c) {
        return c % 97 == 0 ? "County " + c + ", City and Borough" : "County " + c;
    }

    private static long cases(int v, int d, int c) {
        return d * 10L + c % 50 + (Math.floorMod(d * 31 + c * 17 + v * 7, 20) == 0 ? v + 1 : 0);
    }

    /** The same version as JSON Lines: one object per row, the counts as numbers. */
    private static byte[] jsonLines(int v) {
        StringBuilder lines = new StringBuilder();
        for (int d = 0; d < DAYS; d++) {
            for (int c = 0; c < COUNTIES; c++) {
                lines.append(JSON.createObjectNode()
                                .put("date", FIRST.plusDays(d).toString())
                                .put("county", county(c))
                                .put("state", "State " + c % 50)
                                .put("fips", fips(c))
                                .put("cases", cases(v, d, c))
                                .put("deaths", d)
                                .toString())
                        .append('\n');
            }
        }
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The same version as a workbook: the dates as Excel's serial numbers with a date style, counts as numbers. */
    private static byte[] workbook(int v) {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("date", "county", "state", "fips", "cases", "deaths"));
        long firstSerial = java.time.temporal.ChronoUnit.DAYS.between(LocalDate.of(1899, 12, 30), FIRST);
        for (int d = 0; d < DAYS; d++) {
            for (int c = 0; c < COUNTIES; c++) {
                rows.add(List.of(
                        new Packing.XlsxNumber(String.valueOf(firstSerial + d), true),
                        county(c),
                        "State " + c % 50,
                        fips(c),
                        new Packing.XlsxNumber(String.valueOf(cases(v, d, c)), false),
                        new Packing.XlsxNumber(String.valueOf(d), false)));
            }
        }
        return Packing.xlsx("Counties", rows, 0);
    }

    private static String fips(int c) {
        return String.format("%05d", 1001 + c);
    }

    /** md5 of the rows as PostgreSQL prints them, ordered by (date, fips), joined by '|'. */
    private static String expectedDigest(int v) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        for (int d = 0; d < DAYS; d++) {
            for (int c = 0; c < COUNTIES; c++) {
                String text = (d == 0 && c == 0 ? "" : "|") + FIRST.plusDays(d) + "," + fips(c) + "," + county(c)
                        + ",State " + c % 50 + "," + cases(v, d, c) + "," + d;
                md5.update(text.getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    /** @param relation the table, or for a history table the view of its current versions */
    private static String targetDigest(Connection c, String relation) throws Exception {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select case when to_regclass"
                        + "('" + relation + "') is null then 'absent' else (select coalesce(md5(string_agg(date || ','"
                        + " || fips || ',' || county || ',' || state || ',' || cases || ',' || deaths, '|' order by"
                        + " date, fips)), 'empty') from " + relation + ") end")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @org.junit.jupiter.api.BeforeAll
    static void freshReport() throws java.io.IOException {
        Files.deleteIfExists(Path.of("target", "kill-loop.txt"));
    }

    @Test
    void a_run_killed_at_any_moment_leaves_the_old_table_or_the_new_one_and_the_next_run_succeeds() throws Exception {
        try (SourceServer server = new SourceServer()) {
            String[] run = {
                "run",
                "--pipeline",
                "us-counties",
                "--db",
                "DB",
                "--json",
                "--notify-timeout",
                "0",
                "--source",
                "counties=" + server.url("/counties.csv")
            };
            loop(
                    "one file",
                    KILLS,
                    bodies -> serve(server, bodies),
                    Map.of(),
                    run,
                    "us_counties",
                    v -> Map.of("/counties.csv", version(v).getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void a_run_of_a_history_table_killed_at_any_moment_leaves_its_current_versions_old_or_new() throws Exception {
        try (SourceServer server = new SourceServer()) {
            String pipeline = PipelineFileReader.bundledText("us-counties")
                    .replace(
                            "https://raw.githubusercontent.com/nytimes/covid-19-data/master/us-counties.csv",
                            server.url("/counties.csv").toString())
                    .replace("  table: us_counties\n", "  table: us_counties\n  mode: history\n");
            Path file = home.resolve("history.yaml");
            Files.writeString(file, pipeline, StandardCharsets.UTF_8);
            String[] run = {"run", "--pipeline", file.toString(), "--db", "DB", "--json", "--notify-timeout", "0"};
            loop(
                    "a history table",
                    HISTORY_KILLS,
                    bodies -> serve(server, bodies),
                    Map.of(),
                    run,
                    "us_counties_current",
                    v -> Map.of("/counties.csv", version(v).getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void a_mirror_of_a_source_in_packed_parts_killed_at_any_moment_leaves_the_old_table_or_the_new_one()
            throws Exception {
        try (SourceServer server = new SourceServer()) {
            String pipeline = PipelineFileReader.bundledText("us-counties")
                    .replace(
                            "    url: https://raw.githubusercontent.com/nytimes/covid-19-data/master/us-counties.csv",
                            "    urls: ["
                                    + String.join(
                                            ", ",
                                            packedVersion(0).keySet().stream()
                                                    .map(p -> server.url(p).toString())
                                                    .toList())
                                    + "]")
                    .replace("  table: us_counties\n", "  table: us_counties\n  mode: mirror\n");
            Path file = home.resolve("parts.yaml");
            Files.writeString(file, pipeline, StandardCharsets.UTF_8);
            String[] run = {"run", "--pipeline", file.toString(), "--db", "DB", "--json", "--notify-timeout", "0"};
            loop(
                    "four files of a mirror, gzip, zstd, xz and bzip2",
                    PACKED_KILLS,
                    bodies -> serve(server, bodies),
                    Map.of(),
                    run,
                    "us_counties",
                    KillLoopIT::packedVersion);
        }
    }

    /** A pipeline of the county rows read by {@code path:} or by header, from {@code source} (its lines). */
    private Path countiesPipeline(String name, String source, String by) throws Exception {
        StringBuilder columns = new StringBuilder();
        for (String column : List.of(
                "date, type: date",
                "county, type: text",
                "state, type: text",
                "fips, type: text",
                "cases, type: integer, min: 0",
                "deaths, type: integer, min: 0")) {
            columns.append("      - { ").append(by).append(": ").append(column).append(" }\n");
        }
        Path file = home.resolve(name + ".yaml");
        Files.writeString(file, """
                name: %s
                sources:
                  - name: counties
                %s    key: [date, fips]
                    columns:
                %starget:
                  table: us_counties
                invalid_rows: fail_run
                """.formatted(name, source, columns), StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void a_json_lines_file_on_sftp_killed_at_any_moment_leaves_the_old_table_or_the_new_one(@TempDir Path root)
            throws Exception {
        String password = "kill-loop-sftp-Qq40";
        try (SftpServer sftp = new SftpServer(root, password, null)) {
            Path file = countiesPipeline(
                    "sftp-json",
                    "    url: " + sftp.url("/counties.jsonl") + "\n"
                            + "    sftp: { password: { env: FEED_PASSWORD }, host_key: \"" + sftp.fingerprint()
                            + "\" }\n    format: json\n",
                    "path");
            String[] run = {"run", "--pipeline", file.toString(), "--db", "DB", "--json", "--notify-timeout", "0"};
            // Each version is published as a publisher would: written aside, moved into place, a minute after the last
            // (sluice knows an SFTP file by its size and modification time, which SFTP gives to the second).
            int[] published = {0};
            Instant base = Instant.parse("2026-01-01T00:00:00Z");
            loop(
                    "JSON Lines over SFTP",
                    FORMAT_KILLS,
                    files -> {
                        for (Map.Entry<String, byte[]> f : files.entrySet()) {
                            Path aside = root.resolve(f.getKey().substring(1) + ".part");
                            Files.write(aside, f.getValue());
                            Files.setLastModifiedTime(aside, FileTime.from(base.plusSeconds(60L * published[0]++)));
                            Files.move(
                                    aside,
                                    root.resolve(f.getKey().substring(1)),
                                    StandardCopyOption.REPLACE_EXISTING,
                                    StandardCopyOption.ATOMIC_MOVE);
                        }
                    },
                    Map.of("SLUICE_SECRET_ENV", "FEED_PASSWORD", "FEED_PASSWORD", password),
                    run,
                    "us_counties",
                    v -> Map.of("/counties.jsonl", jsonLines(v)));
        }
    }

    @Test
    void a_workbook_killed_at_any_moment_leaves_the_old_table_or_the_new_one() throws Exception {
        try (SourceServer server = new SourceServer()) {
            Path file = countiesPipeline(
                    "workbook",
                    "    url: " + server.url("/counties.xlsx") + "\n    format: xlsx\n    sheet: Counties\n",
                    "header");
            String[] run = {"run", "--pipeline", file.toString(), "--db", "DB", "--json", "--notify-timeout", "0"};
            loop(
                    "a workbook",
                    FORMAT_KILLS,
                    bodies -> serve(server, bodies),
                    Map.of(),
                    run,
                    "us_counties",
                    v -> Map.of("/counties.xlsx", workbook(v)));
        }
    }

    /** What the source holds for version {@code v}: path to body. */
    private interface Versions {
        Map<String, byte[]> of(int v);
    }

    /** Makes a version's files what the source serves. */
    private interface Publisher {
        void publish(Map<String, byte[]> files) throws Exception;
    }

    private void loop(
            String shape,
            int kills,
            Publisher publisher,
            Map<String, String> extraEnv,
            String[] template,
            String relation,
            Versions versions)
            throws Exception {
        String db = TestDatabase.createDatabase();
        String[] run = java.util.Arrays.stream(template)
                .map(a -> a.equals("DB") ? db : a)
                .toArray(String[]::new);
        Map<String, String> env = new java.util.HashMap<>(extraEnv);
        env.put("SLUICE_HOME", home.toString());
        Random random = new Random(20_261_201L);
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        List<String> log = new ArrayList<>();
        long wholeRunMillis;
        try (Connection c = DriverManager.getConnection(db)) {
            publisher.publish(versions.of(0));
            SluiceProcess.Result first = SluiceProcess.run(env, run);
            assertThat(first.exitCode()).as(first.stderr()).isZero();
            assertThat(targetDigest(c, relation)).isEqualTo(expectedDigest(0));

            // How long a whole run takes, from process start to exit: kills fall anywhere in that span.
            publisher.publish(versions.of(1));
            long started = System.nanoTime();
            SluiceProcess.Result timing = SluiceProcess.run(env, run);
            wholeRunMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(timing.exitCode()).as(timing.stderr()).isZero();
            String previous = expectedDigest(1);
            assertThat(targetDigest(c, relation)).isEqualTo(previous);

            for (int v = 2; v < 2 + kills; v++) {
                String next = expectedDigest(v);
                publisher.publish(versions.of(v));
                // A fifth of the kills anywhere in the run; the rest after the JVM's start, where the load is.
                long delay = v < 2 + kills / 5
                        ? random.nextInt((int) wholeRunMillis)
                        : wholeRunMillis * 2 / 5 + random.nextInt((int) (wholeRunMillis * 3 / 5));
                Path out = Files.createTempFile(home, "out", ".json");
                Path err = Files.createTempFile(home, "err", ".txt");
                Process process = SluiceProcess.start(env, out, err, run);
                boolean exitedFirst = process.waitFor(delay, TimeUnit.MILLISECONDS);
                process.destroyForcibly();
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

                String after = targetDigest(c, relation);
                assertThat(after).as("kill %d after %d ms", v - 1, delay).isIn(previous, next);
                long running = count(c, "select count(*) from sluice.runs where status = 'RUNNING'");
                String outcome = (exitedFirst
                                ? "finished before the kill"
                                : after.equals(next)
                                        ? "killed after its commit"
                                        : running > 0 ? "killed during its run" : "killed before its run")
                        + (after.equals(next) ? ", new table" : ", old table");
                outcomes.merge(outcome, 1, Integer::sum);

                int[] attempts = new int[1];
                SluiceProcess.Result recovery = recover(env, run, attempts);
                log.add(String.format(
                        "kill %2d at %4d ms: %s; the next run took %d attempt(s)", v - 1, delay, outcome, attempts[0]));
                assertThat(recovery.exitCode()).as(recovery.stderr()).isZero();
                assertThat(JSON.readTree(recovery.stdout()).get("status").asText())
                        .isIn("SUCCEEDED", "UNCHANGED");
                assertThat(targetDigest(c, relation))
                        .as("after the run that followed kill %d", v - 1)
                        .isEqualTo(next);
                assertThat(count(c, "select count(*) from sluice.runs where status = 'RUNNING'"))
                        .isZero();
                previous = next;
            }
        }
        assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(kills);
        String report = shape + ": a whole run took " + wholeRunMillis + " ms\n" + String.join("\n", log) + "\n"
                + outcomes + "\n";
        Files.writeString(
                Path.of("target", "kill-loop.txt"),
                report,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        System.out.println(report);
    }

    private static void serve(SourceServer server, Map<String, byte[]> bodies) {
        bodies.forEach((path, body) -> server.script(path, SourceServer.body(body)));
    }

    /**
     * The next run. The killed process's database session ends when PostgreSQL notices the closed socket, which
     * for a backend busy in a statement is when that statement ends; until then the run lock is still held and the
     * next run is (rightly) SKIPPED_LOCKED, exit 3. It is tried again until it gets the lock.
     */
    private static SluiceProcess.Result recover(Map<String, String> env, String[] run, int[] attempts)
            throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            attempts[0] = attempt;
            SluiceProcess.Result result = SluiceProcess.run(env, run);
            if (result.exitCode() != 3 || attempt == 50) {
                return result;
            }
            Thread.sleep(200);
        }
    }
}
