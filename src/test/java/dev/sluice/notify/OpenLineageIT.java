package dev.sluice.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.RunStatus;
import dev.sluice.history.Run;
import dev.sluice.history.RunJson;
import dev.sluice.testing.CapturedLogs;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import dev.sluice.testing.TestRig;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenLineage events of real runs, delivered through the outbox to a receiver on loopback, and checked against what
 * OpenLineage's RunEvent (spec 2-0-2) requires: the required fields, the event types, a UUID run id shared by both
 * events of a run, absolute URIs for producers and schema URLs, every facet with its {@code _producer} and
 * {@code _schemaURL}; read by OpenLineage's own Java client, whose model is generated from the published spec (every
 * field one the spec defines, of its type; each standard facet of the version the spec publishes); and against the
 * table itself (its columns read from the catalogue, its rows counted).
 */
class OpenLineageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "lineage-key-Tt27-never-shown";
    private static final OpenLineage SPEC = new OpenLineage(URI.create(LineageEvents.PRODUCER));

    private static Path pipeline(Path dir, String url) throws Exception {
        Path file = dir.resolve("lineage.yaml");
        Files.writeString(file, """
                name: lineage
                description: The national series.
                sources:
                  - name: nyt
                    url: %s
                    key: [date]
                    columns:
                      - { header: date, type: date }
                      - { header: cases, type: integer, min: 0 }
                      - { header: deaths, type: integer }
                target: { table: lineage_us }
                notifications:
                  - name: marquez
                    type: openlineage
                    url: { env: LINEAGE_URL }
                    api_key: { env: LINEAGE_KEY }
                    namespace: daily-feeds
                """.formatted(url));
        return file;
    }

    /** What RunEvent 2-0-2 requires of one event, and of every facet in it. */
    private static void conforms(JsonNode event) {
        assertThat(event.path("eventType").asText()).isIn("START", "COMPLETE", "ABORT", "FAIL", "OTHER");
        assertThat(Instant.parse(event.path("eventTime").asText())).isNotNull();
        assertThat(URI.create(event.path("producer").asText()).isAbsolute()).isTrue();
        assertThat(event.path("schemaURL").asText()).startsWith("https://openlineage.io/spec/2-0-2/OpenLineage.json");
        assertThat(UUID.fromString(event.path("run").path("runId").asText())).isNotNull();
        assertThat(event.path("job").path("namespace").asText()).isNotEmpty();
        assertThat(event.path("job").path("name").asText()).isNotEmpty();
        List<JsonNode> facets = new ArrayList<>();
        facets(event.path("run").path("facets"), facets);
        facets(event.path("job").path("facets"), facets);
        for (String side : List.of("inputs", "outputs")) {
            for (JsonNode dataset : event.path(side)) {
                assertThat(dataset.path("namespace").asText()).isNotEmpty();
                assertThat(dataset.path("name").asText()).isNotEmpty();
                facets(dataset.path("facets"), facets);
                facets(dataset.path("outputFacets"), facets);
                facets(dataset.path("inputFacets"), facets);
            }
        }
        assertThat(facets).isNotEmpty().allSatisfy(facet -> {
            assertThat(URI.create(facet.path("_producer").asText()).isAbsolute())
                    .isTrue();
            assertThat(URI.create(facet.path("_schemaURL").asText()).isAbsolute())
                    .isTrue();
        });
    }

    /**
     * The event as OpenLineage's own client reads it: its model of RunEvent is generated from the published spec
     * (2-0-2 and each facet's schema), so an event it reads and writes back unchanged has only fields the spec
     * defines, each of its type, and names for each standard facet the schema version the spec publishes for it. The
     * event's time is compared as an instant (the client writes it as a zoned time); the {@code sluice} run facet is
     * sluice's own, which the spec lets a producer add, and is checked by {@link #conforms}.
     */
    private static OpenLineage.RunEvent readByOpenLineage(JsonNode event) throws Exception {
        OpenLineage.RunEvent read = OpenLineageClientUtils.runEventFromJson(event.toString());
        ObjectNode sent = event.deepCopy();
        ObjectNode back = (ObjectNode) JSON.readTree(OpenLineageClientUtils.toJson(read));
        assertThat(read.getEventTime().toInstant())
                .isEqualTo(Instant.parse(sent.path("eventTime").asText()));
        for (ObjectNode side : List.of(sent, back)) {
            side.remove("eventTime");
            if (side.path("run").path("facets") instanceof ObjectNode runFacets) {
                runFacets.remove("sluice");
            }
        }
        assertThat(back).isEqualTo(sent);
        // A facet keeps fields its schema does not define (the spec lets it): each standard one is checked here.
        assertThat(read.getRun().getRunId()).isNotNull();
        OpenLineage.JobTypeJobFacet jobType = read.getJob().getFacets().getJobType();
        assertThat(jobType.getProcessingType()).isEqualTo("BATCH");
        standard(
                event.at("/job/facets/jobType"),
                SPEC.newJobTypeJobFacetBuilder().build().get_schemaURL(),
                jobType.getAdditionalProperties());
        OpenLineage.DocumentationJobFacet documentation =
                read.getJob().getFacets().getDocumentation();
        standard(
                event.at("/job/facets/documentation"),
                SPEC.newDocumentationJobFacetBuilder().build().get_schemaURL(),
                documentation.getAdditionalProperties());
        OpenLineage.OutputDataset table = read.getOutputs().get(0);
        OpenLineage.SchemaDatasetFacet schema = table.getFacets().getSchema();
        assertThat(schema.getFields())
                .isNotEmpty()
                .allSatisfy(field -> assertThat(field.getType()).isNotBlank());
        standard(
                event.at("/outputs/0/facets/schema"),
                SPEC.newSchemaDatasetFacetBuilder().build().get_schemaURL(),
                schema.getAdditionalProperties());
        if (table.getOutputFacets() != null) {
            OpenLineage.OutputStatisticsOutputDatasetFacet statistics =
                    table.getOutputFacets().getOutputStatistics();
            standard(
                    event.at("/outputs/0/outputFacets/outputStatistics"),
                    SPEC.newOutputStatisticsOutputDatasetFacetBuilder().build().get_schemaURL(),
                    statistics.getAdditionalProperties());
        }
        if (read.getRun().getFacets() != null && read.getRun().getFacets().getErrorMessage() != null) {
            OpenLineage.ErrorMessageRunFacet error = read.getRun().getFacets().getErrorMessage();
            standard(
                    event.at("/run/facets/errorMessage"),
                    SPEC.newErrorMessageRunFacetBuilder().build().get_schemaURL(),
                    error.getAdditionalProperties());
        }
        return read;
    }

    /**
     * A standard facet as sent, against the client's: the schema version the spec publishes for it (the client's own
     * facet names it; one read from an event keeps the URL sent), and no field it does not define (the client keeps
     * those aside).
     */
    private static void standard(JsonNode sent, URI published, Map<String, Object> undefined) {
        assertThat(sent.path("_schemaURL").asText()).isEqualTo(published.toString());
        assertThat(undefined).isEmpty();
    }

    private static void facets(JsonNode container, List<JsonNode> into) {
        for (Iterator<JsonNode> it = container.elements(); it.hasNext(); ) {
            into.add(it.next());
        }
    }

    private static List<JsonNode> events(SourceServer receiver) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (SourceServer.Request request : receiver.requests("/api/v1/lineage")) {
            assertThat(request.header("Authorization")).isEqualTo("Bearer " + KEY);
            events.add(JSON.readTree(request.bodyText()));
        }
        return events;
    }

    @Test
    void a_run_sends_its_start_and_end_with_its_sources_table_schema_and_counts(@TempDir Path dir) throws Exception {
        try (SourceServer receiver = new SourceServer();
                CapturedLogs logs = new CapturedLogs()) {
            receiver.script("/api/v1/lineage", SourceServer.status(201));
            try (TestRig rig = new TestRig(
                    TestDatabase.createDatabase(),
                    Map.of(
                            "SLUICE_SECRET_ENV",
                            "LINEAGE_URL,LINEAGE_KEY",
                            "LINEAGE_URL",
                            receiver.url("/api/v1/lineage").toString(),
                            "LINEAGE_KEY",
                            KEY,
                            "SLUICE_PLAINTEXT_HOSTS",
                            "127.0.0.1"))) {
                rig.server.serveFile("/nyt.csv", SharedData.nyt("2022-04-19"));
                Path file = pipeline(dir, rig.server.url("/nyt.csv").toString());
                Run run = rig.runAndDeliver(rig.wiring.readPipeline(file.toString()));
                assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);

                List<JsonNode> events = events(receiver);
                assertThat(events).extracting(e -> e.path("eventType").asText()).containsExactly("START", "COMPLETE");
                events.forEach(OpenLineageIT::conforms);
                for (JsonNode event : events) {
                    readByOpenLineage(event);
                }
                JsonNode start = events.get(0);
                JsonNode end = events.get(1);
                assertThat(end.path("run").path("runId"))
                        .isEqualTo(start.path("run").path("runId"));
                assertThat(Instant.parse(start.path("eventTime").asText())).isEqualTo(run.startedAt());
                assertThat(Instant.parse(end.path("eventTime").asText()))
                        .isEqualTo(run.finishedAt().orElseThrow());
                assertThat(end.path("job").path("namespace").asText()).isEqualTo("daily-feeds");
                assertThat(end.path("job").path("name").asText()).isEqualTo("lineage");

                URI source = rig.server.url("/nyt.csv");
                assertThat(end.path("inputs")).hasSize(1);
                assertThat(end.path("inputs").get(0).path("namespace").asText())
                        .isEqualTo("http://127.0.0.1:" + source.getPort());
                assertThat(end.path("inputs").get(0).path("name").asText()).isEqualTo("/nyt.csv");

                JsonNode table = end.path("outputs").get(0);
                URI database = URI.create(rig.url.substring("jdbc:".length()));
                assertThat(table.path("namespace").asText())
                        .isEqualTo("postgres://" + database.getHost() + ":" + database.getPort());
                String dbName = rig.text("select current_database()").orElseThrow();
                assertThat(table.path("name").asText()).isEqualTo(dbName + ".public.lineage_us");
                List<String> fields = new ArrayList<>();
                table.path("facets")
                        .path("schema")
                        .path("fields")
                        .forEach(f -> fields.add(
                                f.path("name").asText() + " " + f.path("type").asText()));
                // The table as PostgreSQL describes it.
                List<String> columns = rig
                        .rows("select column_name || ' ' || data_type from information_schema.columns"
                                + " where table_name = 'lineage_us' order by ordinal_position")
                        .stream()
                        .map(r -> r.get(0))
                        .toList();
                assertThat(fields).isEqualTo(columns);
                assertThat(table.path("outputFacets")
                                .path("outputStatistics")
                                .path("rowCount")
                                .asLong())
                        .isEqualTo(rig.count("select count(*) from lineage_us"));

                // A failed run: its error in the FAIL event.
                rig.server.script("/nyt.csv", SourceServer.body("date,cases,deaths\n2020-01-21,-1,0\n".getBytes()));
                Run failed = rig.runAndDeliver(rig.wiring.readPipeline(file.toString()));
                assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
                List<JsonNode> all = events(receiver);
                assertThat(all).hasSize(4);
                JsonNode fail = all.get(3);
                conforms(fail);
                assertThat(readByOpenLineage(fail)
                                .getRun()
                                .getFacets()
                                .getErrorMessage()
                                .getMessage())
                        .isEqualTo(failed.error().orElseThrow().message());
                assertThat(fail.path("eventType").asText()).isEqualTo("FAIL");
                assertThat(fail.path("run")
                                .path("facets")
                                .path("errorMessage")
                                .path("message")
                                .asText())
                        .isEqualTo(failed.error().orElseThrow().message());
                assertThat(all.get(2).path("run").path("runId"))
                        .isEqualTo(fail.path("run").path("runId"));
                assertThat(fail.path("run").path("runId"))
                        .isNotEqualTo(start.path("run").path("runId"));
                assertThat(logs.text()
                                + RunJson.toJson(failed)
                                + rig.rows("select coalesce(last_error, '')" + " from sluice.notification_outbox"))
                        .doesNotContain(KEY);
            }
        }
    }
}
