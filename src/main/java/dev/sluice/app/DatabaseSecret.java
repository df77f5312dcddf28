package dev.sluice.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.Secret;
import dev.sluice.db.DatabaseException;
import dev.sluice.db.DatabaseSettings;

/**
 * The database's credentials from a Secrets Manager secret of the shape RDS generates ({@code host}, {@code port},
 * {@code dbname}, {@code username}, {@code password}): the database settings with them, and the same read again
 * when the database refused them.
 */
final class DatabaseSecret {
    private final AwsSecrets secrets;
    private final String arn;
    private final DatabaseSettings base;

    DatabaseSecret(AwsSecrets secrets, String arn, DatabaseSettings base) {
        this.secrets = secrets;
        this.arn = arn;
        this.base = base;
    }

    DatabaseSettings settings() {
        try {
            return from(secrets.secret(arn));
        } catch (IllegalStateException e) {
            throw new DatabaseException("cannot read the database's credentials: " + e.getMessage(), null);
        }
    }

    DatabaseSettings rotated() {
        try {
            return from(secrets.refreshed(arn));
        } catch (IllegalStateException e) {
            throw new DatabaseException("cannot read the database's credentials again: " + e.getMessage(), null);
        }
    }

    private DatabaseSettings from(JsonNode secret) {
        String host = field(secret, "host");
        String port = secret.hasNonNull("port") ? secret.get("port").asText() : "5432";
        String dbname = secret.hasNonNull("dbname") ? secret.get("dbname").asText() : "postgres";
        return base.withCredentials(
                "jdbc:postgresql://" + host + ":" + port + "/" + dbname,
                field(secret, "username"),
                Secret.of(field(secret, "password")));
    }

    private String field(JsonNode secret, String name) {
        if (!secret.hasNonNull(name) || secret.get(name).asText().isEmpty()) {
            throw new DatabaseException("the database secret " + arn + " has no field '" + name + "'", null);
        }
        return secret.get(name).asText();
    }
}
