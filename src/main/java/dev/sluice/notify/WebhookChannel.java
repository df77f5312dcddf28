package dev.sluice.notify;

import dev.sluice.config.WebhookChannelSpec;
import dev.sluice.history.RunTrace;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs the run as JSON (or as a Slack message). With a signing key, the body's HMAC-SHA256 goes in
 * {@code X-Sluice-Signature-256: sha256=HEX} so receivers can check the sender; {@code X-Sluice-Delivery} is the
 * same for every attempt of one notification, so receivers can drop repeats. Redirects are not followed: the URL
 * is a credential and the body should go where it was configured to go, and nowhere else.
 */
final class WebhookChannel implements NotificationChannel {
    static final String SIGNATURE_HEADER = "X-Sluice-Signature-256";
    static final String DELIVERY_HEADER = "X-Sluice-Delivery";

    private final WebhookChannelSpec spec;
    private final Duration timeout;
    private final HttpClient client;

    WebhookChannel(WebhookChannelSpec spec, Duration timeout) {
        this.spec = spec;
        this.timeout = timeout;
        this.client = noRedirects(timeout);
    }

    /** An HTTP client that follows no redirect: a channel's URL and key go where they were configured, nowhere else. */
    static HttpClient noRedirects(Duration timeout) {
        return HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public void deliver(Notification notification) {
        String body = (spec.format() == WebhookChannelSpec.Format.SLACK
                        ? MessageText.slack(notification)
                        : MessageText.json(notification))
                .toString();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(spec.url().reveal()))
                .timeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "sluice/0.1")
                .header(DELIVERY_HEADER, notification.deliveryId(spec.name()))
                // The run's trace, so a receiver that traces links its work to the run (W3C Trace Context).
                .header(
                        "traceparent",
                        notification
                                .run()
                                .map(RunTrace::of)
                                .orElseGet(() -> RunTrace.of(notification.pipeline(), 0, 0))
                                .traceparent())
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        spec.signingKey().ifPresent(key -> request.header(SIGNATURE_HEADER, "sha256=" + hmac(key.reveal(), bytes)));
        int status;
        try {
            status = client.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            throw new DeliveryFailedException(spec.name(), "webhook unreachable: " + withoutUrl(e), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryFailedException(spec.name(), "interrupted", null);
        }
        if (status < 200 || status > 299) {
            throw new DeliveryFailedException(spec.name(), "webhook answered HTTP " + status, null);
        }
    }

    /** The exception's kind and message, with the URL removed should the JDK have put it there. */
    private String withoutUrl(IOException e) {
        String message = e.getMessage() == null ? "" : ": " + e.getMessage();
        return (e.getClass().getSimpleName() + message).replace(spec.url().reveal(), "<webhook url>");
    }

    static String hmac(String key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
