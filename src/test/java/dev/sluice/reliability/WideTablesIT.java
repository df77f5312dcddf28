package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.RunStatus;
import dev.sluice.config.PipelineConfigException;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.TargetSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.testing.TestRig;
import dev.sluice.web.DashboardServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Wide feeds (a statistical release with a column per region, a survey with a column per answer) load in every mode:
 * 1,200 columns, far past the 100 arguments of a PostgreSQL function and past half of the 1,600 columns of a table,
 * which the change log and the comparison each once needed. Most columns are text and every tenth a number, as in a
 * survey's answers: a row of 1,200 numbers, all present, is more than a PostgreSQL row holds (8,160 bytes), which
 * {@code sluice check} says. A first load, then a publication that changes one value
 * of one row, drops a row and adds one; counts, change log, the run's API and the rows' API are checked. What cannot
 * work, more columns than PostgreSQL allows, is refused by the pipeline file, never by a failing run.
 */
class WideTablesIT {
    private static final int VALUES = 1_199;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestRig rig;
    private static HikariDataSource reader;

    @BeforeAll
    static void start() {
        rig = new TestRig();
        reader = rig.database.openReader(Optional.empty(), 2);
    }

    @AfterAll
    static void stop() {
        reader.close();
        rig.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"upsert", "mirror", "mirror-soft", "append", "replace", "replace-unkeyed", "history"})
    void a_table_of_1200_columns_loads_and_logs_its_changes(String mode) throws Exception {
        Path dir = Files.createTempDirectory(rig.home, "wide");
        String table = "wide_" + mode.replace('-', '_');
        Path feed = dir.resolve("feed.csv");
        Files.writeString(feed, csv(List.of(1, 2, 3), -1), StandardCharsets.UTF_8);
        Path pipeline = dir.resolve("p.yaml");
        Files.writeString(pipeline, pipeline(table, mode));
        PipelineSpec spec = TestRig.withFastFetch(new PipelineFileReader(Trust.none()).read(pipeline.toString()));

        Run first = rig.run(spec);
        assertThat(first.status()).as(message(first)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(first.inserted()).isEqualTo(3);
        assertThat(rig.count("select count(*) from sluice.change_log where run_id = " + first.id()))
                .isEqualTo(3);
        assertThat(rig.text("select new_values ->> 'v1199' from sluice.change_log where run_id = " + first.id()
                        + " and seq = 3"))
                .contains(String.valueOf(value(3, VALUES)));

        // Row 2 changes its last value, row 1 is gone, row 4 is new.
        Files.writeString(feed, csv(List.of(2, 3, 4), 2), StandardCharsets.UTF_8);
        Run next = rig.run(spec);
        assertThat(next.status()).as(message(next)).isEqualTo(RunStatus.SUCCEEDED);
        switch (mode) {
            case "upsert" -> assertCounts(next, 1, 1, 0, 1);
            case "append" -> assertCounts(next, 3, 0, 0, 0);
            case "replace-unkeyed" -> assertCounts(next, 2, 0, 2, 1);
            default -> assertCounts(next, 1, 1, 1, 1);
        }
        if (mode.equals("upsert") || mode.startsWith("mirror") || mode.equals("history") || mode.equals("replace")) {
            assertThat(rig.text("select (old_values ->> 'v1199') || ' -> ' || (new_values ->> 'v1199') from"
                            + " sluice.change_log where run_id = " + next.id() + " and operation = 'UPDATE'"))
                    .contains(value(2, VALUES) + " -> " + (value(2, VALUES) + 1));
        }

        try (DashboardServer server = new DashboardServer(
                        List.of(spec), reader, rig.wiring.history(), 2, Optional.empty(), s -> {}, List.of())
                .start("127.0.0.1", 0)) {
            JsonNode run = get(server, "/api/runs/" + next.id());
            assertThat(run.get("changes")).isNotEmpty();
            JsonNode rows = get(server, "/api/pipelines/" + spec.name() + "/rows?limit=10");
            assertThat(rows).isNotEmpty();
            assertThat(rows.get(0).size()).isGreaterThanOrEqualTo(VALUES + 1);
        }
    }

    @Test
    void more_columns_than_a_table_holds_are_refused_by_the_pipeline_file() {
        int columns = TargetSpec.maxColumns(1) + 1;
        Path dir = rig.home.resolve("too-wide");
        Assertions.assertThatThrownBy(() -> {
                    Files.createDirectories(dir);
                    Path pipeline = dir.resolve("p.yaml");
                    Files.writeString(pipeline, pipelineWith("too_wide", "upsert", columns - 1));
                    new PipelineFileReader(Trust.none()).read(pipeline.toString());
                })
                .isInstanceOf(PipelineConfigException.class)
                .hasMessageContaining("target.table")
                .hasMessageContaining(String.format("would have %,d columns", columns))
                .hasMessageContaining(String.format("at most %,d", columns - 1));
    }

    private static void assertCounts(Run run, long inserted, long updated, long deleted, long unchanged) {
        assertThat(List.of(run.inserted(), run.updated(), run.deleted(), run.unchanged()))
                .as("inserted, updated, deleted, unchanged")
                .containsExactly(inserted, updated, deleted, unchanged);
    }

    private static long value(int row, int column) {
        return row * 10_000L + column;
    }

    /** The feed: an id and 1,199 values; {@code changed} is the id whose last value is one more. */
    private static String csv(List<Integer> ids, int changed) {
        StringBuilder out = new StringBuilder("id,");
        out.append(IntStream.rangeClosed(1, VALUES).mapToObj(i -> "v" + i).collect(Collectors.joining(",")));
        out.append('\n');
        for (int id : ids) {
            List<String> fields = new ArrayList<>(List.of(String.valueOf(id)));
            for (int c = 1; c <= VALUES; c++) {
                fields.add(String.valueOf(value(id, c) + (id == changed && c == VALUES ? 1 : 0)));
            }
            out.append(String.join(",", fields)).append('\n');
        }
        return out.toString();
    }

    private static String pipeline(String table, String mode) {
        return pipelineWith(table, mode, VALUES);
    }

    private static String pipelineWith(String table, String mode, int values) {
        boolean unkeyed = mode.equals("replace-unkeyed");
        String targetMode = switch (mode) {
            case "mirror-soft" -> "mirror\n  delete: soft";
            case "replace-unkeyed" -> "replace";
            default -> mode;
        };
        StringBuilder out = new StringBuilder("name: " + table.replace('_', '-') + "\nsources:\n  - name: feed\n"
                + "    file: feed.csv\n" + (unkeyed ? "" : "    key: [id]\n") + "    columns:\n"
                + "      - { header: id, type: integer }\n");
        for (int c = 1; c <= values; c++) {
            out.append("      - { header: v").append(c).append(c % 10 == 9 ? ", type: integer }\n" : " }\n");
        }
        out.append("target:\n  table: ")
                .append(table)
                .append("\n  mode: ")
                .append(targetMode)
                .append('\n');
        return out.toString();
    }

    private static JsonNode get(DashboardServer server, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String message(Run run) {
        return run.error().map(RunError::message).orElse("");
    }
}
