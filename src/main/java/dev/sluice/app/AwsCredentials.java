package dev.sluice.app;

import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * AWS credentials from the environment sluice was given (the process's, or a test's): its
 * {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY} (and {@code AWS_SESSION_TOKEN}) when set, else the
 * SDK's default chain (profiles, container and instance roles). One home for SNS channels and S3 sources; a class of
 * its own so that only a pipeline that uses AWS loads the SDK's classes.
 */
final class AwsCredentials {
    private AwsCredentials() {}

    static AwsCredentialsProvider from(Map<String, String> environment) {
        Optional<String> keyId = value(environment, "AWS_ACCESS_KEY_ID");
        Optional<String> secret = value(environment, "AWS_SECRET_ACCESS_KEY");
        if (keyId.isEmpty() || secret.isEmpty()) {
            return DefaultCredentialsProvider.builder().build();
        }
        Optional<String> token = value(environment, "AWS_SESSION_TOKEN");
        return StaticCredentialsProvider.create(
                token.isPresent()
                        ? AwsSessionCredentials.create(keyId.get(), secret.get(), token.get())
                        : AwsBasicCredentials.create(keyId.get(), secret.get()));
    }

    private static Optional<String> value(Map<String, String> environment, String name) {
        return Optional.ofNullable(environment.get(name)).filter(s -> !s.isBlank());
    }
}
