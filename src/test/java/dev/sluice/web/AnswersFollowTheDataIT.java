package dev.sluice.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.config.PipelineSpec;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.TestRig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The dashboard under more readers than connections: it keeps its whole-table answers between loads (never one past a
 * load that changed the data), and a request that finds every connection busy is told to come back, not that the
 * server broke.
 */
class AnswersFollowTheDataIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static JsonNode json(DashboardServer server, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void a_load_that_changes_the_table_changes_the_next_answer() throws Exception {
        try (TestRig rig = new TestRig()) {
            rig.server
                    .serveFile("/nyt.csv", SharedData.nyt("2020-08-13"))
                    .serveFile("/jhu.csv", SharedData.jhu("2020-09-01"));
            PipelineSpec spec = rig.covidUs();
            rig.run(spec);
            try (HikariDataSource reader = rig.database.openReader(Optional.empty(), 4);
                    DashboardServer server = rig.dashboard(spec, reader)) {
                String before =
                        rig.text("select max(date)::text from covid_us_daily").orElseThrow();
                assertThat(json(server, "/api/pipelines/covid-us/summary")
                                .get("dataUpTo")
                                .asText())
                        .isEqualTo(before);
                int datesBefore = json(server, "/api/pipelines/covid-us/series")
                        .get("dates")
                        .size();
                assertThat(datesBefore).isEqualTo((int) rig.count("select count(*) from covid_us_daily"));

                rig.server
                        .serveFile("/nyt.csv", SharedData.nyt("2022-04-19"))
                        .serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
                rig.run(spec);

                String after =
                        rig.text("select max(date)::text from covid_us_daily").orElseThrow();
                assertThat(after).isNotEqualTo(before);
                JsonNode summary = json(server, "/api/pipelines/covid-us/summary");
                assertThat(summary.get("dataUpTo").asText()).isEqualTo(after);
                assertThat(summary.get("rows").asLong()).isEqualTo(rig.count("select count(*) from covid_us_daily"));
                assertThat(json(server, "/api/pipelines/covid-us/series")
                                .get("dates")
                                .size())
                        .isEqualTo((int) rig.count("select count(*) from covid_us_daily"));
            }
        }
    }

    @Test
    void a_request_that_finds_every_connection_in_use_is_answered_503_with_when_to_ask_again() throws Exception {
        try (TestRig rig = new TestRig(
                dev.sluice.testing.TestDatabase.createDatabase(),
                java.util.Map.of("SLUICE_DB_CONNECT_TIMEOUT", "1s"))) {
            rig.server
                    .serveFile("/nyt.csv", SharedData.nyt("2020-08-13"))
                    .serveFile("/jhu.csv", SharedData.jhu("2020-09-01"));
            PipelineSpec spec = rig.covidUs();
            rig.run(spec);
            try (HikariDataSource reader = rig.database.openReader(Optional.empty(), 1);
                    DashboardServer server = rig.dashboard(spec, reader)) {
                try (java.sql.Connection held = reader.getConnection()) {
                    HttpResponse<String> busy = HTTP.send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://127.0.0.1:" + server.port() + "/api/pipelines/covid-us/summary"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(busy.statusCode()).isEqualTo(503);
                    assertThat(busy.headers().firstValue("Retry-After")).hasValue("5");
                    assertThat(JSON.readTree(busy.body()).get("error").asText()).contains("busy");
                    assertThat(held.isValid(1))
                            .as("the only connection, held all along")
                            .isTrue();
                }
                assertThat(json(server, "/api/pipelines/covid-us/summary")
                                .get("rows")
                                .asLong())
                        .as("answered once a connection is free")
                        .isEqualTo(rig.count("select count(*) from covid_us_daily"));
            }
        }
    }
}
