package dev.sluice.db;

import dev.sluice.config.Secret;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the database is. Without a JDBC URL ({@code --db} or {@code SLUICE_DB_URL}) sluice runs an embedded
 * PostgreSQL whose data lives under {@code $SLUICE_HOME/pg}. Credentials come from the URL or from
 * {@code SLUICE_DB_USER} and {@code SLUICE_DB_PASSWORD} / {@code SLUICE_DB_PASSWORD_FILE}.
 *
 * @param jdbcUrl  an external database, or empty for the embedded one
 * @param user     the user, when not in the URL
 * @param password the password, when not in the URL
 * @param home     {@code $SLUICE_HOME}
 */
public record DatabaseSettings(Optional<String> jdbcUrl, Optional<String> user, Optional<Secret> password,
                               Path home) {
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern URL_USERINFO = Pattern.compile("(//)[^/@]*@");

    public static DatabaseSettings resolve(Optional<String> cliUrl, Map<String, String> env, Path home) {
        Optional<String> url = cliUrl.or(() -> Optional.ofNullable(env.get("SLUICE_DB_URL")).filter(s -> !s.isBlank()));
        return new DatabaseSettings(url, Optional.ofNullable(env.get("SLUICE_DB_USER")).filter(s -> !s.isBlank()),
                Secret.fromEnvironment(env, "SLUICE_DB_PASSWORD"), home);
    }

    /** The URL without any password or user-info, fit for messages. */
    public static String redact(String jdbcUrl) {
        return URL_USERINFO.matcher(URL_PASSWORD.matcher(jdbcUrl).replaceAll("$1***")).replaceAll("$1***@");
    }

    public Path embeddedDataDirectory() {
        return home.resolve("pg");
    }
}
