package dev.sluice.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.RunStatus;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A pipeline whose dashboard declares only {@code aggregate: sum} charts its numeric columns over its date key,
 * summed over the rest of its key (counties into national totals).
 */
class GenericViewIT {

    @Test
    void a_county_table_charts_as_totals_per_date() throws Exception {
        Map<String, Long> casesByDate = new TreeMap<>();
        StringBuilder csv = new StringBuilder("date,county,state,fips,cases,deaths\n");
        String[][] counties = {
            {"King", "Washington", "53033"}, {"\"Kings, NY\"", "New York", "36047"}, {"Cook", "Illinois", "17031"}
        };
        for (int day = 0; day < 5; day++) {
            String date = LocalDate.of(2021, 3, 1).plusDays(day).toString();
            for (int c = 0; c < counties.length; c++) {
                long cases = 100L * (c + 1) + 7L * day;
                casesByDate.merge(date, cases, Long::sum);
                csv.append(date)
                        .append(',')
                        .append(counties[c][0])
                        .append(',')
                        .append(counties[c][1])
                        .append(',')
                        .append(counties[c][2])
                        .append(',')
                        .append(cases)
                        .append(',')
                        .append(c + day)
                        .append('\n');
            }
        }
        try (TestRig rig = new TestRig()) {
            rig.server.script("/counties.csv", SourceServer.body(csv.toString().getBytes(StandardCharsets.UTF_8)));
            PipelineSpec spec = TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                    .read("us-counties")
                    .withSourceUrls(Map.of("counties", rig.server.url("/counties.csv"))));
            assertThat(rig.run(spec).status()).isEqualTo(RunStatus.SUCCEEDED);
            try (HikariDataSource reader = rig.database.openReader(Optional.empty(), 2);
                    DashboardServer server = rig.dashboard(spec, reader)) {
                ObjectMapper json = new ObjectMapper();
                HttpClient http = HttpClient.newHttpClient();
                JsonNode pipelines = json.readTree(http.send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + server.port() + "/api/pipelines"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                assertThat(pipelines.get(0).get("aggregate").asText()).isEqualTo("sum");
                assertThat(pipelines.get(0).get("perSeries").asBoolean()).isFalse();
                assertThat(pipelines.get(0).get("cumulative").toString()).isEqualTo("[\"cases\",\"deaths\"]");
                JsonNode series = json.readTree(http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                                                + "/api/pipelines/us-counties/series"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                assertThat(series.get("dates")).hasSize(5);
                int i = 0;
                for (Map.Entry<String, Long> expected : casesByDate.entrySet()) {
                    assertThat(series.get("dates").get(i).asText()).isEqualTo(expected.getKey());
                    assertThat(series.get("series").get("cases").get(i).asLong())
                            .isEqualTo(expected.getValue());
                    i++;
                }
                JsonNode rows = json.readTree(http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                                                + "/api/pipelines/us-counties/rows?from=2021-03-02&to=2021-03-02"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                assertThat(rows).hasSize(3);
                assertThat(rows.get(0).get("fips").asText()).isEqualTo("17031"); // ordered by (date, fips)
                assertThat(rows.get(1).get("county").asText()).isEqualTo("Kings, NY");
            }
        }
    }
}
