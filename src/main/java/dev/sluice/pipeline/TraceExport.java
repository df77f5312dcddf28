package dev.sluice.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.BuildInfo;
import dev.sluice.RunStatus;
import dev.sluice.history.Run;
import dev.sluice.history.RunTrace;
import dev.sluice.settings.Tracing;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports a run's spans to an OTLP/HTTP endpoint as JSON (OpenTelemetry's protocol, its JSON encoding): the run's
 * own span, its trace and id those of {@link RunTrace} (so a webhook's {@code traceparent} names it), and one child
 * per phase, each with the pipeline and run id as attributes. An export that fails is logged, never the run's
 * failure: traces are a view of the run, not part of it.
 */
final class TraceExport {
    private static final Logger LOG = LoggerFactory.getLogger(TraceExport.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int SPAN_KIND_INTERNAL = 1;
    private static final int STATUS_OK = 1;
    private static final int STATUS_ERROR = 2;

    private final Tracing tracing;
    private final HttpClient client;

    TraceExport(Tracing tracing) {
        this.tracing = tracing;
        this.client = HttpClient.newBuilder()
                .connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    void export(Run run, List<RunSpans.Recorded> spans, Instant end) {
        ObjectNode body = body(run, spans, end);
        HttpRequest.Builder request = HttpRequest.newBuilder(tracing.endpoint())
                .timeout(TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        tracing.headers().forEach((name, value) -> request.header(name, value.reveal()));
        try {
            int status = client.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            if (status < 200 || status > 299) {
                LOG.warn(
                        "the traces of run {} of {}: the OTLP endpoint answered HTTP {}",
                        run.id(),
                        run.pipeline(),
                        status);
            }
        } catch (IOException e) {
            LOG.warn(
                    "the traces of run {} of {}: the OTLP endpoint is unreachable ({})",
                    run.id(),
                    run.pipeline(),
                    e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The OTLP JSON of the run's spans: one resource, one scope, the run's span and its phases'. */
    ObjectNode body(Run run, List<RunSpans.Recorded> spans, Instant end) {
        RunTrace trace = RunTrace.of(run);
        ObjectNode body = JSON.objectNode();
        ObjectNode resource = body.putArray("resourceSpans").addObject();
        ArrayNode resourceAttributes = resource.putObject("resource").putArray("attributes");
        attribute(resourceAttributes, "service.name", tracing.serviceName());
        attribute(resourceAttributes, "service.version", BuildInfo.current().version());
        ObjectNode scope = resource.putArray("scopeSpans").addObject();
        scope.putObject("scope")
                .put("name", "dev.sluice")
                .put("version", BuildInfo.current().version());
        ArrayNode list = scope.putArray("spans");
        // The run's span covers its phases, delivery included, which ends after the run is recorded.
        Instant rootEnd = spans.stream()
                .map(RunSpans.Recorded::end)
                .reduce(run.finishedAt().orElse(end), (a, b) -> a.isAfter(b) ? a : b);
        ObjectNode root = span(
                list,
                trace.traceId(),
                trace.rootSpanId(),
                null,
                "run " + run.pipeline(),
                run.startedAt(),
                rootEnd,
                Map.of(
                        "sluice.status",
                        run.status().name(),
                        "sluice.trigger",
                        run.trigger().name()),
                run);
        ObjectNode status = root.putObject("status");
        if (run.status() == RunStatus.FAILED) {
            status.put("code", STATUS_ERROR);
            run.error().ifPresent(e -> status.put("message", e.message()));
        } else {
            status.put("code", STATUS_OK);
        }
        for (int i = 0; i < spans.size(); i++) {
            RunSpans.Recorded span = spans.get(i);
            span(
                    list,
                    trace.traceId(),
                    childId(trace, i, span.name()),
                    trace.rootSpanId(),
                    span.name(),
                    span.start(),
                    span.end(),
                    span.attributes(),
                    run);
        }
        return body;
    }

    private static ObjectNode span(
            ArrayNode list,
            String traceId,
            String spanId,
            String parent,
            String name,
            Instant start,
            Instant end,
            Map<String, String> attributes,
            Run run) {
        ObjectNode span = list.addObject();
        span.put("traceId", traceId);
        span.put("spanId", spanId);
        if (parent != null) {
            span.put("parentSpanId", parent);
        }
        span.put("name", name);
        span.put("kind", SPAN_KIND_INTERNAL);
        span.put("startTimeUnixNano", String.valueOf(nanos(start)));
        span.put("endTimeUnixNano", String.valueOf(nanos(end.isBefore(start) ? start : end)));
        ArrayNode list2 = span.putArray("attributes");
        attribute(list2, "sluice.pipeline", run.pipeline());
        list2.addObject().put("key", "sluice.run_id").putObject("value").put("intValue", String.valueOf(run.id()));
        attributes.forEach((key, value) -> attribute(list2, key, value));
        return span;
    }

    private static void attribute(ArrayNode attributes, String key, String value) {
        attributes.addObject().put("key", key).putObject("value").put("stringValue", value);
    }

    private static long nanos(Instant at) {
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }

    /** A phase's span id: from the trace, its place and its name, so an export repeated says the same. */
    private static String childId(RunTrace trace, int index, String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((trace.traceId() + "|" + index + "|" + name).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
