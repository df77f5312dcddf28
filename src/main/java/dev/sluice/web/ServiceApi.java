package dev.sluice.web;

import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Secret;
import dev.sluice.config.ServedPipelines;
import dev.sluice.db.DatabaseException;
import dev.sluice.db.Migrations;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The service's own endpoints: liveness, readiness (the database answers and its schema is migrated), and "run now",
 * which needs the bearer token from {@code SLUICE_API_TOKEN} and is disabled without one.
 */
final class ServiceApi {
    private final Supplier<ServedPipelines> pipelines;
    private final DataSource reader;
    private final int expectedSchemaVersion;
    private final Optional<Secret> apiToken;
    private final ManualRuns manualRuns;

    ServiceApi(
            Supplier<ServedPipelines> pipelines,
            DataSource reader,
            int expectedSchemaVersion,
            Optional<Secret> apiToken,
            ManualRuns manualRuns) {
        this.pipelines = pipelines;
        this.reader = reader;
        this.expectedSchemaVersion = expectedSchemaVersion;
        this.apiToken = apiToken;
        this.manualRuns = manualRuns;
    }

    void live(Context ctx) {
        JsonResponses.json(ctx, Map.of("status", "UP"));
    }

    void ready(Context ctx) {
        Optional<String> problem = readinessProblem();
        if (problem.isPresent()) {
            ctx.status(503);
            JsonResponses.json(ctx, Map.of("status", "DOWN", "reason", problem.get()));
        } else {
            JsonResponses.json(ctx, Map.of("status", "UP", "schemaVersion", expectedSchemaVersion));
        }
    }

    private Optional<String> readinessProblem() {
        try {
            int version = Migrations.currentVersion(reader);
            return version >= expectedSchemaVersion
                    ? Optional.empty()
                    : Optional.of("schema version " + version + ", expected " + expectedSchemaVersion);
        } catch (DatabaseException e) {
            return Optional.of("database unreachable: " + e.getMessage());
        }
    }

    void runNow(Context ctx) {
        if (apiToken.isEmpty()) {
            JsonResponses.error(ctx, 403, "manual runs are disabled: start sluice serve with SLUICE_API_TOKEN set");
            return;
        }
        String header = ctx.header("Authorization");
        // The scheme is case-insensitive (RFC 9110); the token is not.
        String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim()
                : "";
        // Constant-time comparison: the time to reject must not reveal how much of the token was right.
        if (!MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.UTF_8),
                apiToken.get().reveal().getBytes(StandardCharsets.UTF_8))) {
            ctx.header("WWW-Authenticate", "Bearer");
            JsonResponses.error(ctx, 401, "a valid bearer token is required");
            return;
        }
        PipelineSpec spec = pipelines.get().find(ctx.pathParam("name")).orElse(null);
        if (spec == null) {
            JsonResponses.error(ctx, 404, "no pipeline named " + ctx.pathParam("name"));
            return;
        }
        manualRuns.start(spec);
        ctx.status(202);
        JsonResponses.json(
                ctx, Map.of("pipeline", spec.name(), "accepted", true, "runs", "/api/runs?pipeline=" + spec.name()));
    }
}
