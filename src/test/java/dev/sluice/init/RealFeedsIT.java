package dev.sluice.init;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunStatus;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.testing.Packing;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real public feeds of other shapes than covid-us ({@code ../shared/data/feeds}), served by a loopback server
 * compressed in every way sluice reads and split into files, turned into a pipeline by {@code sluice init} and
 * loaded by that file as it was written. What is stored equals what this test reads from the files itself, with a
 * plain split of each line (the files hold no quotes).
 */
class RealFeedsIT {
    private static TestRig rig;

    @BeforeAll
    static void start() {
        rig = new TestRig();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    @Test
    void euribor_in_fifteen_files_served_plain_gzip_encoded_gzipped_and_zipped(@TempDir Path dir) throws Exception {
        List<Path> files = euriborFiles();
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            byte[] body = Files.readAllBytes(files.get(i));
            String name = files.get(i).getFileName().toString();
            String path = switch (i % 4) {
                case 0 -> serve("/euribor/" + name, SourceServer.body(body));
                case 1 -> serve("/euribor/" + name + ".gz", SourceServer.body(Packing.gzip(body)));
                case 2 -> serve("/euribor/encoded/" + name, SourceServer.gzipped(body));
                default ->
                    serve("/euribor/" + name + ".zip", SourceServer.body(Packing.zip(Map.of("data/" + name, body))));
            };
            urls.add(rig.server.url(path).toString());
        }

        Initializer.Result init =
                rig.wiring.initializer().initialize(new Initializer.Request(urls, Optional.empty(), dir));

        assertThat(init.key()).containsExactly("date", "maturity_level");
        assertThat(init.reasons()).contains("key: date, maturity_level (unique over 3,085 rows)");
        assertThat(init.yaml()).contains("name: euribor").contains("table: euribor");
        Run run = rig.run(written(dir, init));
        assertThat(run.status())
                .as(run.error().map(RunError::message).orElse(""))
                .isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.inserted()).isEqualTo(3085);
        assertThat(stored("select date::text, rate::text, maturity_level, granularity from euribor"))
                .containsExactlyInAnyOrderElementsOf(expected(files));
        assertThat(run.sources().get("euribor").files()).hasSize(15);
    }

    @Test
    void uk_gilt_yields_whose_year_column_holds_dates_from_a_zip_and_quarters_in_gzipped_parts(@TempDir Path dir)
            throws Exception {
        Path annual = SharedData.feeds().resolve("bond-yields-uk-10y/annual.csv");
        byte[] annualBody = Files.readAllBytes(annual);
        String zipped =
                serve("/gilts/annual.zip", SourceServer.body(Packing.zip(Map.of("data/annual.csv", annualBody))));
        Initializer.Result init = rig.wiring
                .initializer()
                .initialize(new Initializer.Request(
                        List.of(rig.server.url(zipped).toString()), Optional.of("uk-gilts-annual"), dir));
        assertThat(init.yaml()).contains("{ header: \"Year\", as: year, type: date, required: true }");
        assertThat(init.reasons()).contains("key: year (unique over 42 rows)");
        Run run = rig.run(written(dir, init));
        assertThat(run.status())
                .as(run.error().map(RunError::message).orElse(""))
                .isEqualTo(RunStatus.SUCCEEDED);
        assertThat(stored("select year::text, rate::text from uk_gilts_annual"))
                .containsExactlyInAnyOrderElementsOf(expected(List.of(annual)));

        Path quarterly = SharedData.feeds().resolve("bond-yields-uk-10y/quarterly.csv");
        List<String> lines = Files.readAllLines(quarterly, StandardCharsets.UTF_8);
        List<String> urls = new ArrayList<>();
        int parts = 4;
        int per = (lines.size() - 1 + parts - 1) / parts;
        for (int p = 0; p < parts; p++) {
            List<String> part = new ArrayList<>(List.of(lines.get(0)));
            part.addAll(lines.subList(1 + p * per, Math.min(lines.size(), 1 + (p + 1) * per)));
            byte[] body = (String.join("\n", part) + "\n").getBytes(StandardCharsets.UTF_8);
            urls.add(rig.server
                    .url(serve("/gilts/quarterly-part" + (p + 1) + ".csv.gz", SourceServer.body(Packing.gzip(body))))
                    .toString());
        }
        Initializer.Result quarters =
                rig.wiring.initializer().initialize(new Initializer.Request(urls, Optional.empty(), dir));
        assertThat(quarters.yaml()).contains("name: quarterly\n").contains("key: [date]");
        Run loaded = rig.run(written(dir, quarters));
        assertThat(loaded.status())
                .as(loaded.error().map(RunError::message).orElse(""))
                .isEqualTo(RunStatus.SUCCEEDED);
        assertThat(stored("select date::text, rate::text from quarterly"))
                .containsExactlyInAnyOrderElementsOf(expected(List.of(quarterly)));
    }

    private static String serve(String path, SourceServer.Step step) {
        rig.server.script(path, step);
        return path;
    }

    /** Writes the guessed file where init was told it goes, and reads it as {@code sluice run} would. */
    private static PipelineSpec written(Path dir, Initializer.Result init) throws IOException {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, init.yaml(), StandardCharsets.UTF_8);
        return TestRig.withFastFetch(new PipelineFileReader(Trust.none()).read(file.toString()));
    }

    private static List<Path> euriborFiles() throws IOException {
        try (Stream<Path> entries = Files.list(SharedData.feeds().resolve("euribor"))) {
            return entries.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
    }

    /** Each data line as {@code a|b|...}, an empty field as NULL and numbers as PostgreSQL writes them back. */
    private static List<String> expected(List<Path> files) throws IOException {
        List<String> rows = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                List<String> fields = new ArrayList<>();
                for (String field : line.split(",", -1)) {
                    fields.add(
                            field.isEmpty()
                                    ? "NULL"
                                    : field.matches("-?\\d+\\.\\d+") ? new BigDecimal(field).toPlainString() : field);
                }
                rows.add(String.join("|", fields));
            }
        }
        return rows;
    }

    private static List<String> stored(String sql) {
        return rig.rows(sql).stream()
                .map(row -> String.join(
                        "|", row.stream().map(v -> v == null ? "NULL" : v).toList()))
                .toList();
    }
}
