package dev.sluice.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.OpenLineageChannelSpec;
import dev.sluice.config.PipelineSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * POSTs a run's OpenLineage events ({@link LineageEvents}), one per request as OpenLineage's HTTP transport does,
 * START then its end; a retry sends both again, of the same run id, which receivers merge. A feed's lateness is no
 * run and sends nothing. Redirects are not followed: the API key goes where it was configured to go.
 */
final class OpenLineageChannel implements NotificationChannel {
    private final OpenLineageChannelSpec spec;
    private final PipelineSpec pipeline;
    private final Supplier<String> databaseUrl;
    private final Duration timeout;
    private final HttpClient client;

    /** @param databaseUrl the JDBC URL of the database the runs load, credentials removed */
    OpenLineageChannel(
            OpenLineageChannelSpec spec, PipelineSpec pipeline, Supplier<String> databaseUrl, Duration timeout) {
        this.spec = spec;
        this.pipeline = pipeline;
        this.databaseUrl = databaseUrl;
        this.timeout = timeout;
        this.client = WebhookChannel.noRedirects(timeout);
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public void deliver(Notification notification) {
        if (notification.run().isEmpty()) {
            return;
        }
        for (ObjectNode event :
                LineageEvents.of(notification.run().get(), pipeline, spec.namespace(), databaseUrl.get())) {
            post(event);
        }
    }

    private void post(ObjectNode event) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(spec.url().reveal()))
                .timeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/json")
                .header("User-Agent", "sluice/0.1")
                .POST(HttpRequest.BodyPublishers.ofString(event.toString(), StandardCharsets.UTF_8));
        spec.apiKey().ifPresent(key -> request.header("Authorization", "Bearer " + key.reveal()));
        int status;
        try {
            status = client.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            throw new DeliveryFailedException(
                    spec.name(), "lineage endpoint unreachable: " + e.getClass().getSimpleName(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryFailedException(spec.name(), "interrupted", null);
        }
        if (status < 200 || status > 299) {
            throw new DeliveryFailedException(
                    spec.name(),
                    "lineage endpoint answered HTTP " + status + " to the "
                            + event.get("eventType").asText() + " event",
                    null);
        }
    }
}
