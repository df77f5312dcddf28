package dev.sluice.config;

import java.util.Optional;

/**
 * Reads one field of a Secrets Manager secret, for {@code {aws_secret: ARN, key: FIELD}} in pipeline and
 * notifications files. The AWS side lives with the wiring; files reach it only through {@link Trust}, and only for
 * the secrets the operator lent them.
 */
@FunctionalInterface
public interface AwsSecretLookup {
    /** Reads no secret: sluice was not given a way to reach Secrets Manager. */
    AwsSecretLookup NONE = (arn, key) -> {
        throw new IllegalStateException("Secrets Manager is not configured");
    };

    /**
     * The field's value, or empty when the secret has no such field.
     *
     * @throws RuntimeException when the secret cannot be read (its message never holds a secret's value)
     */
    Optional<String> value(String arn, String key);
}
