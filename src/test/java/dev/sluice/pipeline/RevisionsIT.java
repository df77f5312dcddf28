package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.RunStatus;
import dev.sluice.config.PipelineSpec;
import dev.sluice.history.Revisions;
import dev.sluice.history.Run;
import dev.sluice.testing.ExpectedCovidTable;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.TestRig;
import dev.sluice.web.DashboardServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * What a publication rewrote, summed up: the covid-us table from the NYT file as published on 2020-08-13, then on
 * 2022-04-19 (real files from {@code ../shared/data/covid}, the JHU file the same both times). The expected summary
 * is the test's own: {@link ExpectedCovidTable} computes both tables with hand-written SQL, and SQL here compares
 * them.
 */
class RevisionsIT {
    private static final List<String> COLUMNS = List.of("cases", "deaths", "recovered");

    @Test
    void the_summary_of_a_real_revision_matches_the_files() throws Exception {
        try (TestRig rig = new TestRig()) {
            try (Connection c = rig.database.connect()) {
                ExpectedCovidTable.create(c, "before", SharedData.nyt("2020-08-13"), SharedData.jhu("2020-09-01"));
                ExpectedCovidTable.create(c, "after", SharedData.nyt("2022-04-19"), SharedData.jhu("2020-09-01"));
            }
            String revised = "from before b join after a using (date) where (b.cases, b.deaths, b.recovered) is"
                    + " distinct from (a.cases, a.deaths, a.recovered)";
            long rows = rig.count("select count(*) " + revised);
            assertThat(rows).as("the two publications differ in the past").isPositive();
            String oldest = rig.text("select min(date)::text " + revised).orElseThrow();
            String newest = rig.text("select max(date)::text " + revised).orElseThrow();

            PipelineSpec spec = rig.covidUs();
            rig.server.serveFile("/jhu.csv", SharedData.jhu("2020-09-01"));
            rig.server.serveFile("/nyt.csv", SharedData.nyt("2020-08-13"));
            assertThat(rig.run(spec).audit().revisions())
                    .as("an initial load revises nothing")
                    .isEmpty();
            rig.server.serveFile("/nyt.csv", SharedData.nyt("2022-04-19"));
            Run run = rig.run(spec);

            assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.updated()).isEqualTo(rows);
            Revisions r = run.audit().revisions().orElseThrow();
            assertThat(List.of(r.rows(), r.periods())).containsExactly(rows, rows);
            assertThat(List.of(r.unit(), r.oldest(), r.newest())).containsExactly("dates", oldest, newest);
            for (String column : COLUMNS) {
                long changed = rig.count("select count(*) from before b join after a using (date) where b." + column
                        + " is distinct from a." + column);
                Optional<Revisions.Column> summary = r.columns().stream()
                        .filter(c -> c.column().equals(column))
                        .findFirst();
                if (changed == 0) {
                    assertThat(summary).as(column).isEmpty();
                    continue;
                }
                assertThat(summary).as(column).isPresent();
                assertThat(summary.get().changed()).as(column).isEqualTo(changed);
                Optional<String> largest = rig.text("select ((a." + column + " - b." + column + ")::numeric / abs(b."
                        + column + "))::float8::text from before b join after a using (date) where b." + column
                        + " is distinct from a." + column + " and b." + column + " <> 0 and a." + column
                        + " is not null order by abs((a." + column + " - b." + column + ")::numeric / b." + column
                        + ") desc limit 1");
                if (largest.isPresent()) {
                    assertThat(summary.get().largest().getAsDouble())
                            .as(column)
                            .isCloseTo(Double.parseDouble(largest.get()), Offset.offset(1e-9));
                }
            }

            try (HikariDataSource reader = rig.database.openReader(Optional.empty(), 2);
                    DashboardServer server = rig.dashboard(spec, reader)) {
                JsonNode api = new ObjectMapper()
                        .readTree(HttpClient.newHttpClient()
                                .send(
                                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                                                        + "/api/runs/" + run.id() + "/revisions"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body());
                assertThat(api.get("rows").asLong()).isEqualTo(rows);
                assertThat(api.get("summary").asText()).isEqualTo(r.describe());
            }
        }
    }
}
