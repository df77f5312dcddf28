package dev.sluice.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.RunStatus;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.TargetColumn;
import dev.sluice.history.Run;
import dev.sluice.history.SourceSummary;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A run as OpenLineage run events (spec 2-0-2): a START at its start and a COMPLETE (succeeded or unchanged), FAIL or
 * ABORT (skipped: another run held the lock) at its end, both of one run id. The job is the pipeline; the inputs its
 * sources' files, named as OpenLineage names them ({@code https://host} and the path; {@code s3://bucket} and the key;
 * {@code file} and the path), credentials and queries left out; the output the target table, as
 * {@code postgres://host:port} and {@code database.schema.table}, with its schema and the rows the run wrote.
 */
final class LineageEvents {
    static final String PRODUCER = "https://github.com/sluice-etl/sluice";
    static final String EVENT_SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
    private static final String FACETS = "https://openlineage.io/spec/facets/";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private LineageEvents() {}

    /** The start and end events of a finished run; none for a run still running. */
    static List<ObjectNode> of(Run run, PipelineSpec spec, String namespace, String databaseUrl) {
        if (run.finishedAt().isEmpty()) {
            return List.of();
        }
        String runId = runId(run, databaseUrl).toString();
        ObjectNode start = event("START", run.startedAt(), runId, spec, namespace);
        start.set("inputs", inputs(run));
        start.set("outputs", outputs(run, spec, databaseUrl, false));
        String type = switch (run.status()) {
            case SUCCEEDED, UNCHANGED -> "COMPLETE";
            case SKIPPED_LOCKED -> "ABORT";
            default -> "FAIL";
        };
        ObjectNode end = event(type, run.finishedAt().get(), runId, spec, namespace);
        end.set("inputs", inputs(run));
        end.set(
                "outputs",
                outputs(
                        run,
                        spec,
                        databaseUrl,
                        run.status() == RunStatus.SUCCEEDED || run.status() == RunStatus.UNCHANGED));
        ObjectNode facets = ((ObjectNode) end.get("run")).putObject("facets");
        run.error()
                .ifPresent(error -> facets.set(
                        "errorMessage",
                        facet("1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet")
                                .put("message", error.message())
                                .put("programmingLanguage", "Java")));
        ObjectNode counts = facets.putObject("sluice");
        counts.put("_producer", PRODUCER);
        counts.put("_schemaURL", PRODUCER + "/blob/main/docs/openlineage.md#the-sluice-run-facet");
        counts.put("runId", run.id());
        counts.put("status", run.status().name());
        counts.put("inserted", run.rows().inserted());
        counts.put("updated", run.rows().updated());
        counts.put("deleted", run.rows().deleted());
        counts.put("unchanged", run.rows().unchanged());
        return List.of(start, end);
    }

    /**
     * The same id for both events and every attempt to deliver them (so a receiver merges repeats): derived from the
     * database, the pipeline and sluice's own run id.
     */
    static UUID runId(Run run, String databaseUrl) {
        String key = databaseUrl + "|" + run.pipeline() + "|" + run.id() + "|"
                + run.startedAt().toEpochMilli();
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode event(String type, Instant at, String runId, PipelineSpec spec, String namespace) {
        ObjectNode event = JSON.objectNode();
        event.put("eventType", type);
        event.put("eventTime", at.toString());
        event.put("producer", PRODUCER);
        event.put("schemaURL", EVENT_SCHEMA);
        event.putObject("run").put("runId", runId);
        ObjectNode job = event.putObject("job");
        job.put("namespace", namespace);
        job.put("name", spec.name());
        ObjectNode jobFacets = job.putObject("facets");
        jobFacets.set(
                "jobType",
                facet("2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet")
                        .put("processingType", "BATCH")
                        .put("integration", "SLUICE")
                        .put("jobType", "JOB"));
        if (spec.description() != null && !spec.description().isBlank()) {
            jobFacets.set(
                    "documentation",
                    facet("1-0-1/DocumentationJobFacet.json#/$defs/DocumentationJobFacet")
                            .put("description", spec.description()));
        }
        return event;
    }

    private static ObjectNode facet(String schema) {
        ObjectNode facet = JSON.objectNode();
        facet.put("_producer", PRODUCER);
        facet.put("_schemaURL", FACETS + schema);
        return facet;
    }

    /** Each file the run read, once: a source of several files is several datasets. */
    private static ArrayNode inputs(Run run) {
        ArrayNode inputs = JSON.arrayNode();
        List<String> seen = new ArrayList<>();
        for (Map.Entry<String, SourceSummary> source : run.sources().entrySet()) {
            List<String> urls = source.getValue().files().isEmpty()
                    ? List.of(source.getValue().url())
                    : source.getValue().files().stream().map(f -> f.url()).toList();
            for (String url : urls) {
                String[] dataset = dataset(url);
                String key = dataset[0] + " " + dataset[1];
                if (!seen.contains(key)) {
                    seen.add(key);
                    inputs.addObject().put("namespace", dataset[0]).put("name", dataset[1]);
                }
            }
        }
        return inputs;
    }

    /** A file's namespace and name by OpenLineage's naming: its user, password and query never in them. */
    static String[] dataset(String url) {
        try {
            URI uri = URI.create(url);
            String scheme = uri.getScheme() == null ? "file" : uri.getScheme().toLowerCase(Locale.ROOT);
            String path = uri.getPath() == null ? "" : uri.getPath();
            return switch (scheme) {
                case "file" -> new String[] {"file", path};
                case "s3" -> new String[] {"s3://" + uri.getHost(), path.startsWith("/") ? path.substring(1) : path};
                default ->
                    new String[] {scheme + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : ""), path
                    };
            };
        } catch (IllegalArgumentException e) {
            return new String[] {"file", url};
        }
    }

    private static ArrayNode outputs(Run run, PipelineSpec spec, String databaseUrl, boolean written) {
        ArrayNode outputs = JSON.arrayNode();
        String[] database = database(databaseUrl);
        ObjectNode table = outputs.addObject();
        table.put("namespace", database[0]);
        table.put(
                "name",
                database[1] + "." + spec.target().schema() + "." + spec.target().table());
        ObjectNode schema = facet("1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet");
        table.putObject("facets").set("schema", schema);
        ArrayNode columns = schema.putArray("fields");
        for (TargetColumn column : spec.target().allColumns()) {
            columns.addObject()
                    .put("name", column.name())
                    .put("type", column.type().sqlType());
        }
        if (written) {
            table.putObject("outputFacets")
                    .set(
                            "outputStatistics",
                            facet(
                                            "1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet")
                                    .put(
                                            "rowCount",
                                            run.rows().inserted()
                                                    + run.rows().updated()
                                                    + run.rows().deleted()));
        }
        return outputs;
    }

    /** {@code postgres://host:port} and the database's name, from the JDBC URL the run used (credentials removed). */
    static String[] database(String jdbcUrl) {
        String url = jdbcUrl.startsWith("jdbc:") ? jdbcUrl.substring("jdbc:".length()) : jdbcUrl;
        try {
            URI uri = URI.create(url);
            String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
            return new String[] {
                "postgres://" + uri.getHost() + ":" + (uri.getPort() >= 0 ? uri.getPort() : 5432),
                path.isEmpty() ? "postgres" : path
            };
        } catch (IllegalArgumentException e) {
            return new String[] {"postgres://unknown:5432", "postgres"};
        }
    }
}
