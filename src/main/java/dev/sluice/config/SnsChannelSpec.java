package dev.sluice.config;

import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * An AWS SNS topic. Credentials and region come from the AWS SDK's default chains ({@code AWS_*} variables,
 * profiles, instance roles), never from the pipeline file.
 *
 * @param endpoint another endpoint than AWS's (LocalStack, a VPC endpoint)
 * @param region   a region, when the default chain has none
 */
public record SnsChannelSpec(
        String name, Set<NotifyOn> on, String topicArn, Optional<URI> endpoint, Optional<String> region)
        implements ChannelSpec {
    public SnsChannelSpec {
        on = Set.copyOf(on);
    }
}
