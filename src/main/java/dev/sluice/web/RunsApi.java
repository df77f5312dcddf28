package dev.sluice.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.history.Change;
import dev.sluice.history.ChangeLog;
import dev.sluice.history.RejectedRows;
import dev.sluice.history.Run;
import dev.sluice.history.RunJson;
import dev.sluice.history.RunRepository;
import io.javalin.http.Context;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The run history: the same objects as {@code sluice history --json}, newest first, and one run with its changes. */
final class RunsApi {
    private static final int MAX_LIMIT = 200;
    private static final int CHANGES_SHOWN = 1000;

    private final DataSource reader;
    private final RunRepository runs;

    RunsApi(DataSource reader, RunRepository runs) {
        this.reader = reader;
        this.runs = runs;
    }

    /** Newest first, at most {@value #MAX_LIMIT} a page; {@code before=ID} gives the page after a run. */
    void list(Context ctx) throws SQLException {
        int limit = QueryParameters.limit(ctx, 50, MAX_LIMIT);
        Optional<String> pipeline = QueryParameters.pipeline(ctx);
        Optional<Long> before = QueryParameters.id(ctx, "before");
        List<Run> recent;
        try (Connection c = reader.getConnection()) {
            recent = runs.recent(c, limit, pipeline, before);
        }
        ArrayNode array = RunJson.MAPPER.createArrayNode();
        recent.forEach(run -> array.add(RunJson.toJson(run)));
        JsonResponses.json(ctx, array);
    }

    private static Optional<Long> runId(Context ctx) {
        try {
            return Optional.of(Long.parseLong(ctx.pathParam("id")));
        } catch (NumberFormatException e) {
            JsonResponses.error(ctx, 400, "a run id is a number");
            return Optional.empty();
        }
    }

    /**
     * What a run revised of the rows the table had: rows, periods, the oldest and newest key, and per column the
     * values changed and the largest relative change; {@code null} for a run that revised nothing.
     */
    void revisions(Context ctx) throws SQLException {
        Optional<Long> id = runId(ctx);
        if (id.isEmpty()) {
            return;
        }
        try (Connection c = reader.getConnection()) {
            Optional<Run> run = runs.find(c, id.get());
            if (run.isEmpty()) {
                JsonResponses.error(ctx, 404, "no run " + id.get());
                return;
            }
            JsonResponses.json(
                    ctx,
                    run.get()
                            .audit()
                            .revisions()
                            .<com.fasterxml.jackson.databind.JsonNode>map(RunJson::revisionsJson)
                            .orElse(com.fasterxml.jackson.databind.node.NullNode.getInstance()));
        }
    }

    /** The rows a run quarantined, in source, file and line order, at most {@code limit} (1,000 by default). */
    void rejected(Context ctx) throws SQLException {
        Optional<Long> id = runId(ctx);
        if (id.isEmpty()) {
            return;
        }
        // A page at a time: rows may be wide, and a run may keep a million (each row's line is cut at 10,000).
        int limit = QueryParameters.limit(ctx, 100, 1_000);
        long offset = QueryParameters.offset(ctx);
        try (Connection c = reader.getConnection()) {
            if (runs.find(c, id.get()).isEmpty()) {
                JsonResponses.error(ctx, 404, "no run " + id.get());
                return;
            }
            ArrayNode array = RunJson.MAPPER.createArrayNode();
            for (RejectedRows.Rejected row : RejectedRows.read(c, id.get(), limit, offset)) {
                array.addObject()
                        .put("source", row.source())
                        .put("file", row.file())
                        .put("line", row.line())
                        .put("column", row.column())
                        .put("value", row.value())
                        .put("reason", row.reason())
                        .put("rawLine", row.rawLine());
            }
            JsonResponses.json(ctx, array);
        }
    }

    void one(Context ctx) throws SQLException {
        Optional<Long> runId = runId(ctx);
        if (runId.isEmpty()) {
            return;
        }
        long id = runId.get();
        try (Connection c = reader.getConnection()) {
            Optional<Run> run = runs.find(c, id);
            if (run.isEmpty()) {
                JsonResponses.error(ctx, 404, "no run " + id);
                return;
            }
            ObjectNode json = RunJson.toJson(run.get());
            ArrayNode changes = json.putArray("changes");
            for (Change change : ChangeLog.read(c, id, CHANGES_SHOWN)) {
                ObjectNode item = changes.addObject();
                item.put("operation", change.operation().name());
                item.set("key", change.key());
                item.set("old", change.oldValues());
                item.set("new", change.newValues());
            }
            JsonResponses.json(ctx, json);
        }
    }
}
