package dev.sluice.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sluice.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice dbt-sources}, through the command line, on a hand-written pipeline and the bundled one: the file it
 * writes is parsed back as dbt would read it, and says what the pipelines declare, checked against them by hand.
 */
class DbtSourcesTest {
    private static final String RATES = """
            name: rates
            description: Daily rates.
            sources:
              - name: feed
                url: https://example.org/rates.csv
                key: [day, tenor]
                expect: { changes_within: 36h }
                columns:
                  - { header: Day, as: day, type: date }
                  - { header: tenor }
                  - { header: rate, type: decimal, required: false }
            target:
              table: rates
              schema: market
              mode: history
              provenance: [loaded_at, run_id]
            """;

    private static JsonNode written(Path dir, String... pipelines) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("dbt-sources"));
        for (String pipeline : pipelines) {
            args.add("--pipeline");
            args.add(pipeline);
        }
        int exit = new Main(
                        Map.of("SLUICE_HOME", dir.toString()),
                        Clock.systemUTC(),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(new ByteArrayOutputStream()),
                        false)
                .execute(args.toArray(String[]::new));
        assertThat(exit).isZero();
        return new YAMLMapper().readTree(out.toString(StandardCharsets.UTF_8));
    }

    private static JsonNode byName(JsonNode list, String name) {
        for (JsonNode node : list) {
            if (node.path("name").asText().equals(name)) {
                return node;
            }
        }
        throw new AssertionError("no " + name + " in " + list);
    }

    @Test
    void the_sources_file_says_what_the_pipelines_declare(@TempDir Path dir) throws Exception {
        Path rates = dir.resolve("rates.yaml");
        Files.writeString(rates, RATES);

        JsonNode yaml = written(dir, rates.toString(), "covid-us");

        assertThat(yaml.path("version").asInt()).isEqualTo(2);
        JsonNode market = byName(yaml.path("sources"), "market");
        assertThat(market.path("schema").asText()).isEqualTo("market");
        assertThat(market.path("loader").asText()).isEqualTo("sluice");
        JsonNode table = byName(market.path("tables"), "rates");
        assertThat(table.path("description").asText())
                .isEqualTo("Daily rates. Loaded by the sluice pipeline rates (history) from feed.");
        assertThat(table.path("loaded_at_field").asText()).isEqualTo("loaded_at");
        assertThat(table.path("freshness").path("error_after").path("count").asInt())
                .isEqualTo(36);
        assertThat(table.path("freshness").path("error_after").path("period").asText())
                .isEqualTo("hour");
        List<String> names = new ArrayList<>();
        table.path("columns").forEach(c -> names.add(c.path("name").asText()));
        // The key first, then the values, then history's and provenance's own columns.
        assertThat(names).containsExactly("day", "tenor", "rate", "valid_from", "valid_to", "loaded_at", "run_id");
        JsonNode day = byName(table.path("columns"), "day");
        assertThat(day.path("data_type").asText()).isEqualTo("date");
        assertThat(day.path("description").asText()).isEqualTo("Key. From feed's field 'Day'.");
        // History keeps versions: a key is not unique there, and no unique test says it is.
        assertThat(day.path("data_tests").toString()).isEqualTo("[\"not_null\"]");
        assertThat(byName(table.path("columns"), "rate").path("data_type").asText())
                .isEqualTo("numeric");
        assertThat(byName(table.path("columns"), "rate").has("data_tests")).isFalse();

        JsonNode covid = byName(byName(yaml.path("sources"), "public").path("tables"), "covid_us_daily");
        assertThat(covid.has("loaded_at_field"))
                .as("no loaded_at column, no freshness")
                .isFalse();
        assertThat(byName(covid.path("columns"), "date").path("data_tests").toString())
                .isEqualTo("[\"not_null\",\"unique\"]");
        assertThat(byName(covid.path("columns"), "recovered")
                        .path("description")
                        .asText())
                .isEqualTo("From jhu's field 'Recovered'.");
    }
}
