package dev.sluice.settings;

import dev.sluice.config.AllowedNetworks;
import dev.sluice.config.ChannelSpec;
import dev.sluice.config.Secret;
import dev.sluice.config.Trust;
import dev.sluice.db.DatabaseSettings;
import java.net.URI;
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
 * @param home        {@code SLUICE_HOME}
 * @param database    where the database is, and how to connect
 * @param runs        how runs fetch and load
 * @param notifications how notifications are delivered
 * @param serve       what {@code sluice serve} allows
 * @param aws         sluice on AWS: secrets, and what a Lambda function runs
 * @param trust       what pipeline and notifications files may read and send
 * @param logLevel    sluice's log level, when the operator chose one
 * @param tracing     where traces of runs are exported, when OpenTelemetry's variables ask for it
 * @param environment the process environment, where the AWS SDK finds its {@code AWS_*} variables
 * @param warnings    what the operator should know (an unknown {@code SLUICE_*} variable, say)
 */
public record Settings(
        Path home,
        DatabaseSettings database,
        Runs runs,
        Notifications notifications,
        Serve serve,
        Aws aws,
        Trust trust,
        Optional<LogLevel> logLevel,
        Optional<Tracing> tracing,
        Map<String, String> environment,
        List<String> warnings) {

    /**
     * sluice on AWS.
     *
     * @param dbSecretArn            the Secrets Manager secret holding the database's credentials (host, port,
     *                               dbname, username, password), read instead of {@code SLUICE_DB_*}
     * @param readerSecretArn        the Secrets Manager secret whose {@code password} is the dashboard role's
     * @param secretsManagerEndpoint another Secrets Manager endpoint than AWS's (tests)
     * @param pipelines              the pipelines a scheduled Lambda invocation runs
     */
    public record Aws(
            Optional<String> dbSecretArn,
            Optional<String> readerSecretArn,
            Optional<URI> secretsManagerEndpoint,
            List<String> pipelines) {
        public Aws {
            pipelines = List.copyOf(pipelines);
        }
    }

    /** sluice's log levels, as {@code SLUICE_LOG_LEVEL} names them. */
    public enum LogLevel {
        ERROR,
        WARN,
        INFO,
        DEBUG,
        TRACE
    }

    /** How a run compares its publication with the table ({@code SLUICE_COMPARE}). */
    public enum Compare {
        /** With the last load's digest when the database vouches for it, else with the whole table. The default. */
        DIGEST,
        /** Always with the whole table, keeping no digest. */
        FULL
    }

    /**
     * @param lockTimeout     how long a load waits for a lock on its target
     * @param tempDirectory   where downloads are written while a run lasts
     * @param allowedNetworks internal address ranges sources and their redirects may reach anyway
     * @param compare         how a run compares its publication with the table
     */
    public record Runs(
            Duration lockTimeout,
            Path tempDirectory,
            AllowedNetworks allowedNetworks,
            Optional<URI> s3Endpoint,
            Compare compare) {}

    /**
     * @param timeout             how long {@code sluice run} retries its notifications
     * @param firstRetry          the wait before a failed notification's first retry
     * @param channelTimeout      connect and read timeout of one delivery
     * @param deliveryInterval    how often {@code sluice serve} retries pending notifications
     * @param notificationsFile   a shared {@code notifications:} file
     * @param environmentChannels channels declared by {@code SLUICE_WEBHOOK_*}, {@code SLUICE_SMTP_*},
     *                            {@code SLUICE_SNS_*}
     */
    public record Notifications(
            Duration timeout,
            Duration firstRetry,
            Duration channelTimeout,
            Duration deliveryInterval,
            Optional<Path> notificationsFile,
            List<ChannelSpec> environmentChannels) {
        public Notifications {
            environmentChannels = List.copyOf(environmentChannels);
        }
    }

    /**
     * @param shutdownTimeout how long {@code sluice serve} waits for runs in progress on shutdown
     * @param apiToken        bearer token for run-now
     * @param readerPassword  password of the dashboard's role
     * @param allowedHosts    Host header values the dashboard answers besides loopback names ({@code *}: any)
     */
    public record Serve(
            Duration shutdownTimeout,
            Optional<Secret> apiToken,
            Optional<Secret> readerPassword,
            List<String> allowedHosts,
            int maxConcurrentRuns,
            Duration reloadInterval,
            Duration freshnessInterval) {
        public Serve {
            allowedHosts = List.copyOf(allowedHosts);
        }
    }

    public Settings {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(database, "database");
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
                otherHome, embedded, runs, notifications, serve, aws, trust, logLevel, tracing, environment, warnings);
    }

    /** Where the digests of the last loads live: what the next run compares its publication with. */
    public Path digestDirectory() {
        return home.resolve("digests");
    }

    /** Where the cache of last good bodies lives. */
    public Path cacheDirectory() {
        return home.resolve("cache");
    }
}
