package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.RunStatus;
import dev.sluice.config.ChannelSpec;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Secret;
import dev.sluice.config.WebhookChannelSpec;
import dev.sluice.history.Run;
import dev.sluice.testing.CapturedLogs;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import dev.sluice.testing.TestRig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Traces of a run over OTLP/HTTP (JSON) to a loopback receiver, configured by OpenTelemetry's standard variables: the
 * run's span and one per phase, in one trace whose id and root the webhook's {@code traceparent} names; and none at
 * all without the variables.
 */
class TracingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "otel-key-Zz99-never-shown";

    private static PipelineSpec withHook(TestRig rig, SourceServer receiver) {
        rig.server.serveFile("/nyt.csv", SharedData.nyt("2022-04-19"));
        rig.server.serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
        return rig.covidUs()
                .withMoreChannels(List.of(new WebhookChannelSpec(
                        "hook",
                        ChannelSpec.DEFAULT_OUTCOMES,
                        Secret.of(receiver.url("/hook").toString()),
                        WebhookChannelSpec.Format.JSON,
                        Optional.empty())));
    }

    private static Map<String, String> attributes(JsonNode span) {
        Map<String, String> attributes = new HashMap<>();
        span.path("attributes")
                .forEach(a -> attributes.put(
                        a.path("key").asText(),
                        a.path("value").has("stringValue")
                                ? a.path("value").path("stringValue").asText()
                                : a.path("value").path("intValue").asText()));
        return attributes;
    }

    @Test
    void a_run_exports_a_span_per_phase_in_the_trace_its_webhook_names() throws Exception {
        try (SourceServer receiver = new SourceServer();
                CapturedLogs logs = new CapturedLogs()) {
            receiver.script("/hook", SourceServer.status(200));
            receiver.script("/v1/traces", SourceServer.status(200));
            try (TestRig rig = new TestRig(
                    TestDatabase.createDatabase(),
                    Map.of(
                            "OTEL_EXPORTER_OTLP_ENDPOINT",
                            receiver.url("").toString(),
                            "OTEL_EXPORTER_OTLP_HEADERS",
                            "x-api-key=" + KEY,
                            "OTEL_SERVICE_NAME",
                            "etl-test"))) {
                Run run = rig.runAndDeliver(withHook(rig, receiver));
                assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);

                String traceparent = receiver.requests("/hook").get(0).header("traceparent");
                assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
                String traceId = traceparent.substring(3, 35);
                String rootId = traceparent.substring(36, 52);

                List<SourceServer.Request> exports = receiver.requests("/v1/traces");
                assertThat(exports).hasSize(1);
                assertThat(exports.get(0).header("x-api-key")).isEqualTo(KEY);
                assertThat(exports.get(0).header("Content-Type")).isEqualTo("application/json");
                JsonNode resource = JSON.readTree(exports.get(0).bodyText())
                        .path("resourceSpans")
                        .get(0);
                assertThat(attributes(resource.path("resource"))).containsEntry("service.name", "etl-test");
                JsonNode spans = resource.path("scopeSpans").get(0).path("spans");
                JsonNode root = null;
                List<String> children = new ArrayList<>();
                for (JsonNode span : spans) {
                    assertThat(span.path("traceId").asText()).isEqualTo(traceId);
                    assertThat(attributes(span))
                            .containsEntry("sluice.pipeline", "covid-us")
                            .containsEntry("sluice.run_id", String.valueOf(run.id()));
                    assertThat(Long.parseLong(span.path("endTimeUnixNano").asText()))
                            .isGreaterThanOrEqualTo(Long.parseLong(
                                    span.path("startTimeUnixNano").asText()));
                    if (span.has("parentSpanId")) {
                        assertThat(span.path("parentSpanId").asText()).isEqualTo(rootId);
                        children.add(span.path("name").asText());
                    } else {
                        root = span;
                    }
                }
                assertThat(root).isNotNull();
                assertThat(root.path("spanId").asText()).isEqualTo(rootId);
                assertThat(root.path("name").asText()).isEqualTo("run covid-us");
                assertThat(children)
                        .containsExactlyInAnyOrder(
                                "validate and stage nyt",
                                "validate and stage jhu",
                                "merge",
                                "expectations",
                                "commit",
                                "fetch nyt",
                                "fetch jhu",
                                "deliver");
                long rootStart = Long.parseLong(root.path("startTimeUnixNano").asText());
                long rootEnd = Long.parseLong(root.path("endTimeUnixNano").asText());
                for (JsonNode span : spans) {
                    assertThat(Long.parseLong(span.path("startTimeUnixNano").asText()))
                            .isBetween(rootStart, rootEnd);
                    assertThat(Long.parseLong(span.path("endTimeUnixNano").asText()))
                            .isBetween(rootStart, rootEnd);
                }
                assertThat(logs.text()).doesNotContain(KEY);
            }
            // Without the variables: no export, no request.
            try (TestRig quiet = new TestRig(TestDatabase.createDatabase())) {
                assertThat(quiet.runAndDeliver(withHook(quiet, receiver)).status())
                        .isEqualTo(RunStatus.SUCCEEDED);
                assertThat(receiver.requests("/v1/traces")).hasSize(1);
                assertThat(receiver.requests("/hook")).hasSize(2);
            }
        }
    }
}
