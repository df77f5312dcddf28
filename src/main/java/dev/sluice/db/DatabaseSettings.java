package dev.sluice.db;

import dev.sluice.config.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the database is. Without an address ({@code --db} or {@code SLUICE_DB_URL}: a JDBC URL, a libpq URI or a
 * libpq key/value string, see {@link ConnectionString}) sluice runs an embedded PostgreSQL whose data lives in
 * {@code embeddedDirectory}. Credentials come from the URL or from
 * {@code SLUICE_DB_USER} and {@code SLUICE_DB_PASSWORD} / {@code SLUICE_DB_PASSWORD_FILE}.
 *
 * @param jdbcUrl           an external database, or empty for the embedded one
 * @param user              the user, when not in the URL
 * @param password          the password, when not in the URL
 * @param embeddedDirectory the embedded server's data directory ({@code $SLUICE_HOME/pg})
 * @param poolSize          connections opened at most
 * @param connectTimeout    how long to wait for a connection
 */
public record DatabaseSettings(
        Optional<String> jdbcUrl,
        Optional<String> user,
        Optional<Secret> password,
        Path embeddedDirectory,
        int poolSize,
        Duration connectTimeout) {
    // pgjdbc separates parameters with '&' only: a password runs to the next '&', ';' included.
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&]*");
    private static final Pattern URL_USERINFO = Pattern.compile("(//)[^/@]*@");

    public DatabaseSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(embeddedDirectory, "embeddedDirectory");
        if (jdbcUrl.isPresent()) {
            // A libpq URI or key/value string is turned into a JDBC URL here, once; its credentials are kept apart.
            ConnectionString address = ConnectionString.parse(jdbcUrl.get());
            jdbcUrl = Optional.of(address.jdbcUrl());
            user = address.user().isPresent() ? address.user() : user;
            password = address.password().isPresent() ? address.password() : password;
        }
        if (poolSize < 2) {
            throw new IllegalArgumentException("a run and its recording need two connections at least");
        }
    }

    /** Another database with its own credentials (read from a secret). */
    public DatabaseSettings withCredentials(String url, String otherUser, Secret otherPassword) {
        return new DatabaseSettings(
                Optional.of(url),
                Optional.of(otherUser),
                Optional.of(otherPassword),
                embeddedDirectory,
                poolSize,
                connectTimeout);
    }

    /** The same database at another URL ({@code --db}). */
    public DatabaseSettings withUrl(String url) {
        return new DatabaseSettings(Optional.of(url), user, password, embeddedDirectory, poolSize, connectTimeout);
    }

    /** The URL without any password or user-info, fit for messages. */
    public static String redact(String jdbcUrl) {
        return URL_USERINFO
                .matcher(URL_PASSWORD.matcher(jdbcUrl).replaceAll("$1***"))
                .replaceAll("$1***@");
    }
}
