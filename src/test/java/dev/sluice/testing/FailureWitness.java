package dev.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.config.ChannelSpec;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Secret;
import dev.sluice.config.WebhookChannelSpec;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Checks the promise every failed run keeps: it is recorded FAILED with its error kind, the target is exactly as it
 * was before the run (the same rows and the same row versions, or still absent), and a failure notification reaches
 * a webhook receiver on loopback. {@link #watch} adds that receiver to a pipeline; {@link #remember} notes the
 * target's state before a run.
 */
public final class FailureWitness implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHANNEL = "witness";

    private final TestRig rig;
    private final String table;
    private final String orderBy;
    private final SourceServer receiver = new SourceServer();
    private String before;

    public FailureWitness(TestRig rig, String table, String orderBy) {
        this.rig = rig;
        this.table = table;
        this.orderBy = orderBy;
        receiver.script("/hook", SourceServer.status(204));
    }

    /** The pipeline with a webhook channel to this witness's receiver. */
    public PipelineSpec watch(PipelineSpec spec) {
        return spec.withMoreChannels(List.of(new WebhookChannelSpec(
                CHANNEL,
                ChannelSpec.DEFAULT_OUTCOMES,
                Secret.of(receiver.url("/hook").toString()),
                WebhookChannelSpec.Format.JSON,
                Optional.empty())));
    }

    /** Notes the target's state: a digest of its rows and row versions, or "absent". */
    public void remember() {
        before = state();
    }

    public String state() {
        boolean exists = rig.text("select to_regclass('" + table + "')::text").isPresent();
        return exists ? rig.tableState(table, orderBy) : "absent";
    }

    /** Asserts the whole promise and returns the recorded error for further checks. */
    public RunError assertFailedCleanly(PipelineSpec spec, Run run, ErrorKind kind) {
        assertThat(run.status()).as("status of run %s", run.id()).isEqualTo(RunStatus.FAILED);
        RunError error = run.error().orElseThrow();
        assertThat(error.kind()).as(error.message()).isEqualTo(kind);
        assertThat(state()).as("the target after the failed run").isEqualTo(before);
        assertThat(rig.text("select status || ' ' || (error->>'kind') from sluice.runs where id = " + run.id()))
                .hasValue("FAILED " + kind);
        JsonNode notified = notification(spec, run.id());
        assertThat(notified.get("status").asText()).isEqualTo("FAILED");
        assertThat(notified.at("/error/kind").asText()).isEqualTo(kind.name());
        assertThat(notified.at("/error/message").asText()).isEqualTo(error.message());
        return error;
    }

    /** Delivers the run's notifications and returns the one body the receiver got for this run. */
    public JsonNode notification(PipelineSpec spec, long runId) {
        assertThat(rig.dispatcher(spec).settle(runId, Duration.ofSeconds(10)))
                .as("delivered")
                .isTrue();
        String key = "sluice-" + spec.name() + "-run-" + runId + "-" + CHANNEL;
        List<SourceServer.Request> posts = receiver.requests("/hook").stream()
                .filter(r -> key.equals(r.header("X-Sluice-Delivery")))
                .toList();
        assertThat(posts).as("notifications of run %s", runId).hasSize(1);
        try {
            return JSON.readTree(posts.get(0).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        receiver.close();
    }
}
