package dev.sluice.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.ErrorKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a run: printed by {@code sluice run --json} and {@code sluice history --json}, served by
 * {@code GET /api/runs}, posted by webhooks. Field names and order are a public interface; add, never rename.
 */
public final class RunJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private RunJson() {}

    public static ObjectNode toJson(Run run) {
        ObjectNode json = MAPPER.createObjectNode();
        if (run.recorded()) {
            json.put("runId", run.id());
        } else {
            json.putNull("runId");
        }
        json.put("pipeline", run.pipeline());
        json.put("status", run.status().name());
        json.put("inserted", run.inserted());
        json.put("updated", run.updated());
        json.put("deleted", run.deleted());
        json.put("unchanged", run.unchanged());
        json.put("durationMs", run.durationMs());
        json.set("sources", sourcesJson(run.sources()));
        ArrayNode warnings = json.putArray("warnings");
        run.warnings().forEach(warnings::add);
        json.set("error", run.error().map(RunJson::errorJson).orElse(null));
        json.put("trigger", run.trigger().name());
        json.put("startedAt", run.startedAt().toString());
        json.put("finishedAt", run.finishedAt().map(Object::toString).orElse(null));
        json.put("changesLogged", run.changesLogged());
        json.put("dryRun", run.audit().dryRun());
        json.set("expectations", expectationsJson(run.audit().expectations()));
        json.set(
                "revisions", run.audit().revisions().map(RunJson::revisionsJson).orElse(null));
        json.put(
                "comparison",
                run.audit().comparison().isEmpty() ? null : run.audit().comparison());
        ArrayNode notifications = json.putArray("notifications");
        for (Delivery delivery : run.notifications()) {
            ObjectNode item = notifications.addObject();
            item.put("channel", delivery.channel());
            item.put("status", delivery.status().name());
            item.put("attempts", delivery.attempts());
            item.put("lastError", delivery.lastError().orElse(null));
            item.put("deliveredAt", delivery.deliveredAt().map(Object::toString).orElse(null));
        }
        return json;
    }

    public static ObjectNode sourcesJson(Map<String, SourceSummary> sources) {
        ObjectNode json = MAPPER.createObjectNode();
        sources.keySet().stream().sorted().forEach(name -> {
            SourceSummary s = sources.get(name);
            ObjectNode source = json.putObject(name);
            source.put("url", s.url());
            source.put("rows", s.rows());
            source.put("bytes", s.bytes());
            source.put("sha256", s.sha256());
            source.put("etag", s.etag());
            source.put("notModified", s.notModified());
            if (s.fileCount() > s.files().size()) {
                source.put("fileCount", s.fileCount());
                source.put("filesShown", s.files().size());
            }
            ArrayNode files = source.putArray("files");
            for (SourceSummary.FileSummary f : s.files()) {
                ObjectNode file = files.addObject();
                file.put("file", f.file());
                file.put("url", f.url());
                file.put("rows", f.rows());
                file.put("bytes", f.bytes());
                file.put("sha256", f.sha256());
                file.put("etag", f.etag());
                file.put("notModified", f.notModified());
            }
        });
        return json;
    }

    public static ObjectNode errorJson(RunError error) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("kind", error.kind().name());
        json.put("source", error.source());
        json.put("file", error.file());
        if (error.line() == null) {
            json.putNull("line");
        } else {
            json.put("line", error.line());
        }
        json.put("column", error.column());
        json.put("value", error.value());
        json.put("message", error.message());
        json.put("problemCount", error.problemCount());
        ArrayNode problems = json.putArray("problems");
        for (RunError.Problem p : error.problems()) {
            ObjectNode problem = problems.addObject();
            problem.put("source", p.source());
            problem.put("file", p.file());
            problem.put("line", p.line());
            problem.put("column", p.column());
            problem.put("value", p.value());
            problem.put("reason", p.reason());
        }
        return json;
    }

    static Map<String, SourceSummary> parseSources(String text) {
        Map<String, SourceSummary> sources = new LinkedHashMap<>();
        JsonNode json = parse(text);
        for (Map.Entry<String, JsonNode> field : json.properties()) {
            JsonNode s = field.getValue();
            List<SourceSummary.FileSummary> files = new ArrayList<>();
            s.path("files")
                    .forEach(f -> files.add(new SourceSummary.FileSummary(
                            f.path("file").asText(),
                            f.path("url").asText(),
                            f.path("rows").asLong(),
                            f.path("bytes").asLong(),
                            textOrNull(f, "sha256"),
                            textOrNull(f, "etag"),
                            f.path("notModified").asBoolean())));
            sources.put(
                    field.getKey(),
                    new SourceSummary(
                            s.path("url").asText(),
                            s.path("rows").asLong(),
                            s.path("bytes").asLong(),
                            textOrNull(s, "sha256"),
                            textOrNull(s, "etag"),
                            s.path("notModified").asBoolean(),
                            files,
                            s.path("fileCount").asInt(files.size())));
        }
        return sources;
    }

    public static ArrayNode expectationsJson(List<ExpectationResult> results) {
        ArrayNode array = MAPPER.createArrayNode();
        for (ExpectationResult r : results) {
            ObjectNode item = array.addObject();
            item.put("name", r.name());
            item.put("kind", r.kind());
            item.put("severity", r.severity());
            item.put("passed", r.passed());
            item.put("failing", r.failing());
            ArrayNode sample = item.putArray("sample");
            r.sample().forEach(sample::add);
            item.put("message", r.message());
        }
        return array;
    }

    public static ObjectNode revisionsJson(Revisions revisions) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("rows", revisions.rows());
        json.put("periods", revisions.periods());
        json.put("unit", revisions.unit());
        json.put("summary", revisions.describe());
        json.put("oldest", revisions.oldest());
        json.put("newest", revisions.newest());
        ArrayNode columns = json.putArray("columns");
        for (Revisions.Column c : revisions.columns()) {
            ObjectNode column = columns.addObject();
            column.put("column", c.column());
            column.put("changed", c.changed());
            if (c.largest().isPresent()) {
                column.put("largestChange", c.largest().getAsDouble());
            } else {
                column.putNull("largestChange");
            }
            column.put("largestAt", c.largestAt().orElse(null));
        }
        return json;
    }

    static List<ExpectationResult> parseExpectations(String text) {
        List<ExpectationResult> results = new ArrayList<>();
        parse(text).forEach(r -> {
            List<String> sample = new ArrayList<>();
            r.path("sample").forEach(v -> sample.add(v.asText()));
            results.add(new ExpectationResult(
                    r.path("name").asText(),
                    r.path("kind").asText(),
                    r.path("severity").asText(),
                    r.path("passed").asBoolean(),
                    r.path("failing").asLong(),
                    sample,
                    r.path("message").asText()));
        });
        return results;
    }

    static Revisions parseRevisions(String text) {
        JsonNode json = parse(text);
        List<Revisions.Column> columns = new ArrayList<>();
        json.path("columns")
                .forEach(c -> columns.add(new Revisions.Column(
                        c.path("column").asText(),
                        c.path("changed").asLong(),
                        c.path("largestChange").isNumber()
                                ? java.util.OptionalDouble.of(
                                        c.path("largestChange").asDouble())
                                : java.util.OptionalDouble.empty(),
                        java.util.Optional.ofNullable(textOrNull(c, "largestAt")))));
        return new Revisions(
                json.path("rows").asLong(),
                json.path("periods").asLong(),
                json.path("unit").asText(),
                json.path("oldest").asText(),
                json.path("newest").asText(),
                columns);
    }

    static List<String> parseWarnings(String text) {
        List<String> warnings = new ArrayList<>();
        parse(text).forEach(w -> warnings.add(w.asText()));
        return warnings;
    }

    static RunError parseError(String text) {
        JsonNode json = parse(text);
        List<RunError.Problem> problems = new ArrayList<>();
        json.path("problems")
                .forEach(p -> problems.add(new RunError.Problem(
                        p.path("source").asText(),
                        textOrNull(p, "file"),
                        p.path("line").asLong(),
                        textOrNull(p, "column"),
                        textOrNull(p, "value"),
                        p.path("reason").asText())));
        JsonNode line = json.path("line");
        return new RunError(
                ErrorKind.valueOf(json.path("kind").asText()),
                textOrNull(json, "source"),
                textOrNull(json, "file"),
                line.isNumber() ? line.asLong() : null,
                textOrNull(json, "column"),
                textOrNull(json, "value"),
                json.path("message").asText(),
                problems,
                json.path("problemCount").asLong(problems.size()));
    }

    static String write(JsonNode json) {
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sluice.runs holds JSON it wrote itself", e);
        }
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
