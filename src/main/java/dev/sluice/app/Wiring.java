package dev.sluice.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.Sleeper;
import dev.sluice.config.ChannelReader;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.db.Database;
import dev.sluice.db.Migrations;
import dev.sluice.extract.DownloadListener;
import dev.sluice.extract.S3Access;
import dev.sluice.extract.SourceCache;
import dev.sluice.extract.SourceFetcher;
import dev.sluice.extract.SourceStateRepository;
import dev.sluice.history.RejectedRows;
import dev.sluice.history.RunRepository;
import dev.sluice.init.Initializer;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    public Wiring(Settings settings, Clock clock, Sleeper sleeper, RandomGenerator random) {
        this.settings = settings;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.outbox = new Outbox(clock);
        this.history = new RunRepository(clock, outbox);
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

    /**
     * A pipeline by path or bundled name, with the channels of the shared notifications file and of the environment
     * added.
     */
    public PipelineSpec readPipeline(String pathOrName) {
        PipelineSpec spec = new PipelineFileReader(settings.trust()).read(pathOrName);
        if (settings.notifications().notificationsFile().isPresent()) {
            spec = spec.withMoreChannels(new ChannelReader(settings.trust())
                    .readFile(settings.notifications().notificationsFile().get()));
        }
        return spec.withMoreChannels(settings.notifications().environmentChannels());
    }

    /** The database at {@code url} ({@code --db}), else the configured one; nothing connects before it is used. */
    public Database database(Optional<String> url) {
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
        return new Initializer(fetcher(DownloadListener.NONE));
    }

    public Pipeline pipeline(Database database, RunProgress progress) {
        return new Pipeline(
                database,
                fetcher(progress),
                new TargetLoader(settings.runs().lockTimeout()),
                history,
                new SourceStateRepository(),
                outbox,
                notifier(database),
                progress,
                clock,
                new RejectedRows(settings.runs().tempDirectory()));
    }

    /** The channels a pipeline declares, to send to directly ({@code sluice notify test}). */
    public Map<String, NotificationChannel> channels(PipelineSpec spec) {
        return channelFactory().create(spec.notifications());
    }

    private ChannelFactory channelFactory() {
        return new ChannelFactory(
                () -> AwsCredentials.from(settings.environment()),
                settings.notifications().channelTimeout());
    }

    /** The dashboard's read-only pool, connecting as sluice_reader. */
    public HikariDataSource reader(Database database) {
        return database.openReader(settings.serve().readerPassword(), READER_POOL_SIZE);
    }

    /** Scheduled and manual runs, and the delivery loop, of a serving process. */
    public PipelineService service(Database database, Pipeline pipeline, Duration shutdownWait) {
        return new PipelineService(
                pipeline,
                notifier(database),
                shutdownWait,
                settings.notifications().deliveryInterval());
    }

    /** The dashboard and API over the reader's connections; run-now starts runs through {@code manualRuns}. */
    public DashboardServer dashboard(
            List<PipelineSpec> specs, DataSource reader, Database database, ManualRuns manualRuns) {
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
