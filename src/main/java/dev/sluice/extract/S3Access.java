package dev.sluice.extract;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Where S3 is and who asks, for {@code s3://} sources: the endpoint (empty for AWS's own; another one, addressed by
 * path, for a test or an S3-compatible store), the region (empty for the SDK's chain, then us-east-1), and the
 * credentials, made only when an S3 source is fetched so that other runs never load the AWS SDK.
 */
public record S3Access(Optional<URI> endpoint, Optional<String> region, Supplier<AwsCredentialsProvider> credentials) {
    public S3Access {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(credentials, "credentials");
    }
}
