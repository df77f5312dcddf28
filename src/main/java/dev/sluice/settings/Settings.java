package dev.sluice.settings;

import dev.sluice.config.ChannelSpec;
import dev.sluice.config.Secret;
import dev.sluice.db.DatabaseSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The operator's settings: every {@code SLUICE_*} variable, read once at start-up by {@link #read}, validated, and
 * immutable afterwards. Nothing else in sluice reads a {@code SLUICE_*} variable. Defaults are listed in
 * {@link Setting} and in the README's table.
 *
 * @param home                {@code SLUICE_HOME}
 * @param database            where the database is, and how to connect
 * @param lockTimeout         how long a load waits for a lock on its target
 * @param tempDirectory       where downloads are written while a run lasts
 * @param fileRoots           extra directories {@code file:} sources may read
 * @param notificationsFile   a shared {@code notifications:} file
 * @param notifyTimeout       how long {@code sluice run} retries its notifications
 * @param notifyFirstRetry    the wait before a failed notification's first retry
 * @param channelTimeout      connect and read timeout of one delivery
 * @param deliveryInterval    how often {@code sluice serve} retries pending notifications
 * @param shutdownTimeout     how long {@code sluice serve} waits for runs in progress on shutdown
 * @param apiToken            bearer token for run-now
 * @param readerPassword      password of the dashboard's role
 * @param logLevel            sluice's log level, when the operator chose one
 * @param environmentChannels channels declared by {@code SLUICE_WEBHOOK_*}, {@code SLUICE_SMTP_*},
 *                            {@code SLUICE_SNS_*}
 * @param environment         the process environment, where {@code {env: NAME}} references are looked up and the
 *                            AWS SDK finds its {@code AWS_*} variables
 * @param warnings            what the operator should know (an unknown {@code SLUICE_*} variable, say)
 */
public record Settings(
        Path home,
        DatabaseSettings database,
        Duration lockTimeout,
        Path tempDirectory,
        List<Path> fileRoots,
        Optional<Path> notificationsFile,
        Duration notifyTimeout,
        Duration notifyFirstRetry,
        Duration channelTimeout,
        Duration deliveryInterval,
        Duration shutdownTimeout,
        Optional<Secret> apiToken,
        Optional<Secret> readerPassword,
        Optional<LogLevel> logLevel,
        List<ChannelSpec> environmentChannels,
        Map<String, String> environment,
        List<String> warnings) {

    /** sluice's log levels, as {@code SLUICE_LOG_LEVEL} names them. */
    public enum LogLevel {
        ERROR,
        WARN,
        INFO,
        DEBUG,
        TRACE
    }

    public Settings {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(database, "database");
        fileRoots = List.copyOf(fileRoots);
        environmentChannels = List.copyOf(environmentChannels);
        environment = Map.copyOf(environment);
        warnings = List.copyOf(warnings);
    }

    /**
     * Reads and validates every {@code SLUICE_*} variable of {@code environment}.
     *
     * @param userHome where {@code SLUICE_HOME} defaults to ({@code ~/.sluice})
     * @param javaTemp where {@code SLUICE_TMPDIR} defaults to
     * @throws SettingsException naming the first variable with a bad value
     */
    public static Settings read(Map<String, String> environment, Path userHome, Path javaTemp) {
        return new SettingsReader(environment).read(userHome, javaTemp);
    }

    /** The same settings in another home, always on the embedded database there: the demo's own world. */
    public Settings isolatedAt(Path otherHome) {
        DatabaseSettings embedded = new DatabaseSettings(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                otherHome.resolve("pg"),
                database.poolSize(),
                database.connectTimeout());
        return new Settings(
                otherHome,
                embedded,
                lockTimeout,
                tempDirectory,
                fileRoots,
                notificationsFile,
                notifyTimeout,
                notifyFirstRetry,
                channelTimeout,
                deliveryInterval,
                shutdownTimeout,
                apiToken,
                readerPassword,
                logLevel,
                environmentChannels,
                environment,
                warnings);
    }

    /** The same settings on the database at {@code jdbcUrl}. */
    public Settings withDatabaseUrl(String jdbcUrl) {
        DatabaseSettings other = new DatabaseSettings(
                Optional.of(jdbcUrl),
                database.user(),
                database.password(),
                database.embeddedDirectory(),
                database.poolSize(),
                database.connectTimeout());
        return new Settings(
                home,
                other,
                lockTimeout,
                tempDirectory,
                fileRoots,
                notificationsFile,
                notifyTimeout,
                notifyFirstRetry,
                channelTimeout,
                deliveryInterval,
                shutdownTimeout,
                apiToken,
                readerPassword,
                logLevel,
                environmentChannels,
                environment,
                warnings);
    }

    /** Where the cache of last good bodies lives. */
    public Path cacheDirectory() {
        return home.resolve("cache");
    }
}
