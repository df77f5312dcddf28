package dev.sluice.notify;

import dev.sluice.config.ChannelSpec;
import dev.sluice.config.EmailChannelSpec;
import dev.sluice.config.OpenLineageChannelSpec;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SnsChannelSpec;
import dev.sluice.config.WebhookChannelSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
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

    /**
     * The channels of a pipeline.
     *
     * @param databaseUrl the database its runs load, credentials removed: where lineage says its table is
     */
    public Map<String, NotificationChannel> create(PipelineSpec pipeline, Supplier<String> databaseUrl) {
        Map<String, NotificationChannel> channels = new LinkedHashMap<>();
        for (ChannelSpec spec : pipeline.notifications()) {
            channels.put(spec.name(), create(spec, pipeline, databaseUrl));
        }
        return channels;
    }

    private NotificationChannel create(ChannelSpec spec, PipelineSpec pipeline, Supplier<String> databaseUrl) {
        if (spec instanceof OpenLineageChannelSpec lineage) {
            return new OpenLineageChannel(lineage, pipeline, databaseUrl, timeout);
        }
        if (spec instanceof EmailChannelSpec email) {
            return new EmailChannel(email, timeout);
        }
        if (spec instanceof WebhookChannelSpec webhook) {
            return new WebhookChannel(webhook, timeout);
        }
        return new SnsChannel((SnsChannelSpec) spec, awsCredentials.get(), timeout);
    }
}
