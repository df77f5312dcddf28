package dev.sluice.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.Sleeper;
import dev.sluice.config.ChannelReader;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Secret;
import dev.sluice.config.ServedPipelines;
import dev.sluice.config.Trust;
import dev.sluice.db.Database;
import dev.sluice.db.DatabaseException;
import dev.sluice.db.Migrations;
import dev.sluice.extract.DownloadListener;
import dev.sluice.extract.S3Access;
import dev.sluice.extract.SourceCache;
import dev.sluice.extract.SourceFetcher;
import dev.sluice.extract.SourceStateRepository;
import dev.sluice.history.RejectedRows;
import dev.sluice.history.RunRepository;
import dev.sluice.init.Initializer;
import dev.sluice.load.LoadDigests;
import dev.sluice.load.TargetLoader;
import dev.sluice.notify.ChannelFactory;
import dev.sluice.notify.NotificationChannel;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.Outbox;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.RunProgress;
import dev.sluice.schedule.PipelineService;
import dev.sluice.settings.Settings;
import dev.sluice.web.DashboardServer;
import dev.sluice.web.ManualRuns;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;

/**
 * The object graph, built by hand from the settings, a clock, a sleeper and a source of randomness: every front end
 * ({@code Main}'s commands) and every test builds its pipeline, notifier and web server here, so the graph under
 * test is the graph that runs.
 */
public final class Wiring {
    private static final int READER_POOL_SIZE = 8;

    private final Settings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final Outbox outbox;
    private final RunRepository history;
    private final AwsSecrets awsSecrets;
    private final Trust trust;

    public Wiring(Settings settings, Clock clock, Sleeper sleeper, RandomGenerator random) {
        this.settings = settings;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.outbox = new Outbox(clock);
        this.history = new RunRepository(clock, outbox);
        this.awsSecrets = new AwsSecrets(settings.environment(), settings.aws().secretsManagerEndpoint());
        this.trust = settings.trust().withAwsSecrets(awsSecrets);
    }

    public Settings settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    /** The same graph in another home, on the embedded database there: the demo's own world. */
    public Wiring isolatedAt(Path home) {
        return new Wiring(settings.isolatedAt(home), clock, sleeper, random);
    }

    /** The same settings on another clock: a backfill's past publications, each as of its own time. */
    public Wiring withClock(Clock otherClock) {
        return new Wiring(settings, otherClock, sleeper, random);
    }

    /** The same, on another clock: the demo's simulated days. */
    public Wiring isolatedAt(Path home, Clock otherClock) {
        return new Wiring(settings.isolatedAt(home), otherClock, sleeper, random);
    }

    /**
     * A pipeline by path or bundled name, with the channels of the shared notifications file and of the environment
     * added.
     */
    public PipelineSpec readPipeline(String pathOrName) {
        PipelineSpec spec = new PipelineFileReader(trust).read(pathOrName);
        if (settings.notifications().notificationsFile().isPresent()) {
            spec = spec.withMoreChannels(new ChannelReader(trust)
                    .readFile(settings.notifications().notificationsFile().get()));
        }
        return spec.withMoreChannels(settings.notifications().environmentChannels());
    }

    /** A pipeline as a dashboard alone shows it: without channels, so without the secrets they would read. */
    public PipelineSpec readPipelineToShow(String pathOrName) {
        return new PipelineFileReader(trust).readToShow(pathOrName);
    }

    /**
     * The database at {@code url} ({@code --db}), else the configured one: with {@code SLUICE_DB_SECRET_ARN}, the one
     * its Secrets Manager secret describes, read again when its credentials are refused. Nothing connects before it
     * is used.
     */
    public Database database(Optional<String> url) {
        if (url.isEmpty() && settings.aws().dbSecretArn().isPresent()) {
            DatabaseSecret secret =
                    new DatabaseSecret(awsSecrets, settings.aws().dbSecretArn().get(), settings.database());
            return Database.open(secret.settings(), secret::rotated);
        }
        return Database.open(url.map(settings.database()::withUrl).orElse(settings.database()));
    }

    /** The run history: every query of {@code sluice.runs}, with each run's notifications. */
    public RunRepository history() {
        return history;
    }

    public Notifier notifier(Database database) {
        return new Notifier(
                database,
                history,
                outbox,
                channelFactory(),
                clock,
                sleeper,
                settings.notifications().firstRetry());
    }

    private SourceFetcher fetcher(DownloadListener listener) {
        return new SourceFetcher(
                new SourceCache(settings.cacheDirectory()),
                settings.runs().tempDirectory(),
                sleeper,
                random,
                clock,
                listener,
                settings.runs().allowedNetworks(),
                new S3Access(
                        settings.runs().s3Endpoint(),
                        Optional.ofNullable(settings.environment().get("AWS_REGION")),
                        () -> AwsCredentials.from(settings.environment())));
    }

    /** {@code sluice init}: reads sources the way a run does (the same address checks, unpacking, S3). */
    public Initializer initializer() {
        return new Initializer(fetcher(DownloadListener.NONE), trust, clock);
    }

    public Pipeline pipeline(Database database, RunProgress progress) {
        return new Pipeline(
                database,
                fetcher(progress),
                new TargetLoader(
                        settings.runs().lockTimeout(),
                        settings.runs().compare() == Settings.Compare.DIGEST
                                ? Optional.of(new LoadDigests(settings.digestDirectory()))
                                : Optional.empty()),
                history,
                new SourceStateRepository(),
                outbox,
                notifier(database),
                progress,
                clock,
                new RejectedRows(settings.runs().tempDirectory()),
                settings.tracing());
    }

    /** The channels a pipeline declares, to send to directly ({@code sluice notify test}). */
    public Map<String, NotificationChannel> channels(PipelineSpec spec) {
        // No database is opened to test a channel: lineage names the one the settings give.
        return channelFactory()
                .create(
                        spec,
                        () -> settings.database()
                                .jdbcUrl()
                                .map(dev.sluice.db.DatabaseSettings::redact)
                                .orElse("jdbc:postgresql://localhost:5432/sluice"));
    }

    private ChannelFactory channelFactory() {
        return new ChannelFactory(
                () -> AwsCredentials.from(settings.environment()),
                settings.notifications().channelTimeout());
    }

    /** The dashboard's read-only pool, connecting as sluice_reader. */
    public HikariDataSource reader(Database database) {
        return database.openReader(readerPassword(), READER_POOL_SIZE);
    }

    /** The same for a dashboard alone: only sluice_reader connects, to {@code url} or the configured URL. */
    public HikariDataSource readerOnly(Optional<String> url) {
        return Database.openReaderOnly(
                url.map(settings.database()::withUrl).orElse(settings.database()), readerPassword(), READER_POOL_SIZE);
    }

    /**
     * With {@code SLUICE_READER_SECRET_ARN}, sets the dashboard role's password to the secret's: the Lambda function
     * owns the database, and a dashboard elsewhere reads with that secret.
     */
    public void alignReaderPassword(Database database) {
        settings.aws().readerSecretArn().ifPresent(arn -> database.setReaderPassword(readerSecret(arn)));
    }

    private Optional<Secret> readerPassword() {
        return settings.aws()
                .readerSecretArn()
                .map(this::readerSecret)
                .or(() -> settings.serve().readerPassword());
    }

    private Secret readerSecret(String arn) {
        try {
            return awsSecrets
                    .value(arn, "password")
                    .map(Secret::of)
                    .orElseThrow(() -> new DatabaseException("the secret " + arn + " has no field 'password'", null));
        } catch (IllegalStateException e) {
            throw new DatabaseException("cannot read the dashboard role's password: " + e.getMessage(), null);
        }
    }

    /** Scheduled and manual runs, and the delivery loop, of a serving process. */
    public PipelineService service(Database database, Pipeline pipeline, Duration shutdownWait) {
        return new PipelineService(
                pipeline,
                notifier(database),
                shutdownWait,
                settings.notifications().deliveryInterval(),
                settings.serve().freshnessInterval(),
                settings.serve().maxConcurrentRuns(),
                clock);
    }

    /**
     * The dashboard and API of a process that never runs a pipeline: no run-now, and ready once the schema is the
     * one this version of sluice knows (another process, the Lambda function, migrates it).
     */
    public DashboardServer dashboardOnly(Supplier<ServedPipelines> specs, DataSource reader) {
        return new DashboardServer(
                specs,
                reader,
                history,
                Migrations.LATEST,
                Optional.empty(),
                spec -> {
                    throw new IllegalStateException("a dashboard alone runs nothing");
                },
                settings.serve().allowedHosts());
    }

    /** The dashboard and API over the reader's connections; run-now starts runs through {@code manualRuns}. */
    public DashboardServer dashboard(
            Supplier<ServedPipelines> specs, DataSource reader, Database database, ManualRuns manualRuns) {
        return new DashboardServer(
                specs,
                reader,
                history,
                Migrations.currentVersion(database.dataSource()),
                settings.serve().apiToken(),
                manualRuns,
                settings.serve().allowedHosts());
    }
}
