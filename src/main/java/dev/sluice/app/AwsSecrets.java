package dev.sluice.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.AwsSecretLookup;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * Secrets Manager, read with the AWS SDK: a secret's JSON (what RDS generates: {@code username}, {@code password},
 * {@code host}, {@code port}, {@code dbname}), fetched once and cached, fetched again on demand when a credential in
 * it was refused (rotation). Errors name the secret and AWS's error code, never a value. The client is made on first
 * use, so a process that reads no secret never loads it.
 */
final class AwsSecrets implements AwsSecretLookup {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> environment;
    private final Optional<URI> endpoint;
    private final Map<String, JsonNode> cache = new ConcurrentHashMap<>();
    private SecretsManagerClient client;

    AwsSecrets(Map<String, String> environment, Optional<URI> endpoint) {
        this.environment = environment;
        this.endpoint = endpoint;
    }

    @Override
    public Optional<String> value(String arn, String key) {
        JsonNode field = secret(arn).get(key);
        return field == null || field.isNull() ? Optional.empty() : Optional.of(field.asText());
    }

    /** The secret's fields, read once and cached. */
    JsonNode secret(String arn) {
        return cache.computeIfAbsent(arn, this::fetch);
    }

    /** The secret read again: its credentials were refused, so they may have been rotated. */
    JsonNode refreshed(String arn) {
        cache.remove(arn);
        return secret(arn);
    }

    private JsonNode fetch(String arn) {
        try {
            String text = client().getSecretValue(
                            GetSecretValueRequest.builder().secretId(arn).build())
                    .secretString();
            if (text == null) {
                throw new IllegalStateException("the secret " + arn + " holds binary data, not the JSON of fields");
            }
            JsonNode json = JSON.readTree(text);
            if (!json.isObject()) {
                throw new IllegalStateException("the secret " + arn + " is not a JSON object of fields");
            }
            return json;
        } catch (SecretsManagerException e) {
            String code =
                    e.awsErrorDetails() == null ? "" : " " + e.awsErrorDetails().errorCode();
            throw new IllegalStateException("Secrets Manager refused " + arn + ": HTTP " + e.statusCode() + code, null);
        } catch (SdkException e) {
            throw new IllegalStateException("cannot reach Secrets Manager for " + arn + ": " + e.getMessage(), null);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // The parser's message quotes the text: it is not passed on.
            throw new IllegalStateException("the secret " + arn + " is not JSON", null);
        }
    }

    private synchronized SecretsManagerClient client() {
        if (client == null) {
            SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
                    .httpClient(UrlConnectionHttpClient.builder().build())
                    .credentialsProvider(AwsCredentials.from(environment))
                    .region(Optional.ofNullable(environment.get("AWS_REGION"))
                            .map(Region::of)
                            .orElseGet(AwsSecrets::defaultRegion));
            endpoint.ifPresent(builder::endpointOverride);
            client = builder.build();
        }
        return client;
    }

    private static Region defaultRegion() {
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkException none) {
            return Region.US_EAST_1;
        }
    }
}
