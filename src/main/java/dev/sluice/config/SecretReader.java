package dev.sluice.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a secret reference of a pipeline or notifications file: {@code {env: NAME}}, {@code {file: PATH}} or
 * {@code {aws_secret: ARN, key: FIELD}}, resolved at once so that a missing secret fails when the file is read, and
 * only within what the operator lent files (see {@link Trust}). A value written inline is refused: pipeline files
 * are shared, committed and shown.
 */
final class SecretReader {
    private final Trust trust;

    SecretReader(Trust trust) {
        this.trust = trust;
    }

    /** Whether {@code node} is a reference (a mapping with one of the reference's fields), not a plain value. */
    static boolean isReference(ConfigNode node) {
        return node.has("env") || node.has("file") || node.has("aws_secret");
    }

    /** The secret {@code field} of {@code node} refers to. */
    Secret read(ConfigNode node, String field) {
        ConfigNode ref = node.child(field);
        if (!isReference(ref)) {
            throw node.error(
                    field,
                    "secrets are never written inline; use {env: NAME}, {file: PATH} or {aws_secret: ARN, key:"
                            + " FIELD}");
        }
        ref.allowOnly("env", "file", "aws_secret", "key");
        if (ref.has("aws_secret")) {
            return awsSecret(ref);
        }
        if (ref.has("env")) {
            String variable = ref.text("env").trim();
            trust.variableRefusal(variable).ifPresent(why -> {
                throw ref.error("env", why);
            });
            return Secret.of(trust.variable(variable)
                    .orElseThrow(() -> ref.error("env", "the environment variable " + variable + " is not set")));
        }
        String file = ref.text("file").trim();
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            throw ref.error("file", "not a valid path");
        }
        trust.secretFileRefusal(path).ifPresent(why -> {
            throw ref.error("file", why);
        });
        try {
            return Secret.fromFile(path);
        } catch (java.io.IOException e) {
            throw ref.error(
                    "file",
                    "cannot read the secret file " + file + ": " + e.getClass().getSimpleName());
        }
    }

    /** A field of a lent Secrets Manager secret; what fails is named, the value never. */
    private Secret awsSecret(ConfigNode ref) {
        String arn = ref.text("aws_secret").trim();
        String key = ref.text("key").trim();
        trust.awsSecretRefusal(arn).ifPresent(why -> {
            throw ref.error("aws_secret", why);
        });
        Optional<String> value;
        try {
            value = trust.awsSecrets().value(arn, key);
        } catch (RuntimeException e) {
            throw ref.error("aws_secret", "cannot read the secret: " + e.getMessage());
        }
        return Secret.of(value.filter(v -> !v.isEmpty())
                .orElseThrow(() -> ref.error("key", "the secret has no field '" + key + "'")));
    }
}
