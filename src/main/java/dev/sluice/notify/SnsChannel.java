package dev.sluice.notify;

import dev.sluice.config.SnsChannelSpec;
import dev.sluice.history.Run;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.SnsClientBuilder;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/**
 * Publishes to an SNS topic: the subject line, the plain-text body, and message attributes {@code pipeline},
 * {@code status} and {@code runId} for subscription filters. Credentials and region come from the AWS SDK's default
 * chains; the client is built on first use, so a missing region is a delivery error (shown by
 * {@code sluice notify test}), not a failed load. The SDK's own retries are off: the outbox retries.
 */
final class SnsChannel implements NotificationChannel {
    /** SNS limits subjects to 100 printable ASCII characters. */
    private static final int MAX_SUBJECT = 100;

    private final SnsChannelSpec spec;
    private final AwsCredentialsProvider credentials;
    private final Duration timeout;
    private SnsClient client;

    SnsChannel(SnsChannelSpec spec, AwsCredentialsProvider credentials, Duration timeout) {
        this.spec = spec;
        this.credentials = credentials;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public void deliver(Notification notification) {
        try {
            client().publish(PublishRequest.builder()
                    .topicArn(spec.topicArn())
                    .subject(asciiSubject(MessageText.subject(notification)))
                    .message(MessageText.plainText(notification))
                    .messageAttributes(Map.of(
                            "pipeline",
                            text(notification.pipeline()),
                            "status",
                            text(notification.status()),
                            // Subscribers filter on these: a run's id, or a feed event's.
                            notification.run().isPresent() ? "runId" : "feedEventId",
                            MessageAttributeValue.builder()
                                    .dataType("Number")
                                    .stringValue(String.valueOf(notification
                                            .run()
                                            .map(Run::id)
                                            .orElseGet(() -> notification
                                                    .transition()
                                                    .orElseThrow()
                                                    .id())))
                                    .build()))
                    .build());
        } catch (SdkException e) {
            throw new DeliveryFailedException(
                    spec.name(), "SNS publish to " + spec.topicArn() + " failed: " + e.getMessage(), null);
        }
    }

    private synchronized SnsClient client() {
        if (client == null) {
            SnsClientBuilder builder = SnsClient.builder()
                    .credentialsProvider(credentials)
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .connectionTimeout(timeout)
                            .socketTimeout(timeout))
                    .overrideConfiguration(o -> o.retryStrategy(retry -> retry.maxAttempts(1)));
            spec.endpoint().ifPresent(builder::endpointOverride);
            spec.region().map(Region::of).ifPresent(builder::region);
            client = builder.build();
        }
        return client;
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }

    static String asciiSubject(String subject) {
        String ascii = subject.replaceAll("[^\\x20-\\x7E]", "?");
        return ascii.length() <= MAX_SUBJECT ? ascii : ascii.substring(0, MAX_SUBJECT - 3) + "...";
    }
}
