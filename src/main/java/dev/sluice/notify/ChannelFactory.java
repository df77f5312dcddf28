package dev.sluice.notify;

import dev.sluice.config.ChannelSpec;
import dev.sluice.config.EmailChannelSpec;
import dev.sluice.config.SnsChannelSpec;
import dev.sluice.config.WebhookChannelSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** Builds the channels a pipeline declares. */
public final class ChannelFactory {
    private final Supplier<AwsCredentialsProvider> awsCredentials;

    /**
     * @param awsCredentials for SNS: the SDK's default chain in production, static keys in tests; called only when a
     *                       pipeline has an SNS channel, so other runs never load the AWS SDK
     */
    public ChannelFactory(Supplier<AwsCredentialsProvider> awsCredentials) {
        this.awsCredentials = awsCredentials;
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
            return new EmailChannel(email);
        }
        if (spec instanceof WebhookChannelSpec webhook) {
            return new WebhookChannel(webhook);
        }
        return new SnsChannel((SnsChannelSpec) spec, awsCredentials.get());
    }
}
