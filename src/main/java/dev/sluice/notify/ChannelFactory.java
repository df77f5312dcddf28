package dev.sluice.notify;

import dev.sluice.config.ChannelSpec;
import dev.sluice.config.EmailChannelSpec;
import dev.sluice.config.SnsChannelSpec;
import dev.sluice.config.WebhookChannelSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** Builds the channels a pipeline declares. */
public final class ChannelFactory {
    private final Supplier<AwsCredentialsProvider> awsCredentials;
    private final Duration timeout;

    /**
     * @param awsCredentials for SNS; called only when a pipeline has an SNS channel, so other runs never load the
     *                       AWS SDK
     * @param timeout        connect and read timeout of one delivery
     */
    public ChannelFactory(Supplier<AwsCredentialsProvider> awsCredentials, Duration timeout) {
        this.awsCredentials = awsCredentials;
        this.timeout = timeout;
    }

    public Map<String, NotificationChannel> create(List<ChannelSpec> specs) {
        Map<String, NotificationChannel> channels = new LinkedHashMap<>();
        for (ChannelSpec spec : specs) {
            channels.put(spec.name(), create(spec));
        }
        return channels;
    }

    private NotificationChannel create(ChannelSpec spec) {
        if (spec instanceof EmailChannelSpec email) {
            return new EmailChannel(email, timeout);
        }
        if (spec instanceof WebhookChannelSpec webhook) {
            return new WebhookChannel(webhook, timeout);
        }
        return new SnsChannel((SnsChannelSpec) spec, awsCredentials.get(), timeout);
    }
}
