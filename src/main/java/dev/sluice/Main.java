package dev.sluice;

import dev.sluice.cli.CheckCommand;
import dev.sluice.cli.DemoCommand;
import dev.sluice.cli.HistoryCommand;
import dev.sluice.cli.MigrateCommand;
import dev.sluice.cli.NotifyCommand;
import dev.sluice.cli.NotifyTestCommand;
import dev.sluice.cli.Progress;
import dev.sluice.cli.RunCommand;
import dev.sluice.cli.ServeCommand;
import dev.sluice.cli.Services;
import dev.sluice.config.ChannelReader;
import dev.sluice.config.PipelineConfigException;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Secret;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.db.Database;
import dev.sluice.db.DatabaseSettings;
import dev.sluice.db.Migrations;
import dev.sluice.Sleeper;
import dev.sluice.extract.SourceCache;
import dev.sluice.extract.SourceDownloader;
import dev.sluice.extract.SourceStateRepository;
import dev.sluice.history.RunRepository;
import dev.sluice.load.TargetLoader;
import dev.sluice.notify.ChannelFactory;
import dev.sluice.notify.DirectDelivery;
import dev.sluice.notify.NotificationChannel;
import dev.sluice.notify.NotificationDispatcher;
import dev.sluice.notify.Outbox;
import dev.sluice.pipeline.Pipeline;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import picocli.CommandLine.Command;

/**
 * The {@code sluice} command. Wires the object graph by hand: every dependency of every command is built here,
 * from the environment, so a reader sees the whole application on one screen.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "Daily CSV-to-PostgreSQL ETL: download, validate, merge, upsert only what changed.")
public final class Main implements Services {
    /** How long a load waits for a lock on its target table before failing. */
    private static final Duration LOCK_TIMEOUT = Duration.ofMinutes(1);
    /** Connections are opened on demand; serve's scheduler, runs and deliveries may use several at once. */
    private static final int POOL_SIZE = 10;
    private static final int READER_POOL_SIZE = 8;
    private static final Duration NOTIFICATION_FIRST_RETRY = Duration.ofSeconds(2);

    private final Map<String, String> env;
    private final Clock clock;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;
    private final Path home;

    public Main(Map<String, String> env, Clock clock, PrintStream out, PrintStream err, boolean interactive) {
        this.env = Map.copyOf(env);
        this.clock = clock;
        this.out = out;
        this.err = err;
        this.interactive = interactive;
        this.home = Optional.ofNullable(env.get("SLUICE_HOME")).filter(s -> !s.isBlank()).map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".sluice"));
    }

    public static void main(String[] args) {
        Main main = new Main(System.getenv(), Clock.systemUTC(), System.out, System.err, System.console() != null);
        int exitCode = main.execute(args);
        endHttpClientSelectors();
        System.exit(exitCode);
    }

    /**
     * JDK 17's HttpClient has no close(); its selector thread waits in epoll, and HotSpot's exit waits up to 300 ms
     * for threads in native code to settle. Interrupting the selector ends it at once (measured: a run that used
     * HTTP exits 0.3 s sooner). Called only when no HTTP request can be in flight any more.
     */
    private static void endHttpClientSelectors() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("HttpClient-") && thread.getName().endsWith("-SelectorManager")) {
                thread.interrupt();
                try {
                    thread.join(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public int execute(String... args) {
        CommandLine cli = new CommandLine(this)
                .addSubcommand("run", new RunCommand(this))
                .addSubcommand("history", new HistoryCommand(this))
                .addSubcommand("check", new CheckCommand(this))
                .addSubcommand("migrate", new MigrateCommand(this))
                .addSubcommand("serve", new ServeCommand(this))
                .addSubcommand("demo", new DemoCommand(this))
                .addSubcommand("notify", new CommandLine(new NotifyCommand())
                        .addSubcommand("test", new NotifyTestCommand(this)));
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof SluiceException failure) {
                err.println("sluice: " + failure.getMessage());
                return failure.kind() == ErrorKind.CONFIG ? 2 : 1;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public Map<String, String> env() {
        return env;
    }

    @Override
    public Path home() {
        return home;
    }

    @Override
    public Services isolatedAt(Path otherHome) {
        Map<String, String> isolated = new java.util.HashMap<>(env);
        isolated.put("SLUICE_HOME", otherHome.toString());
        isolated.remove("SLUICE_DB_URL");
        return new Main(isolated, clock, out, err, interactive);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public PrintStream out() {
        return out;
    }

    @Override
    public PrintStream err() {
        return err;
    }

    @Override
    public boolean interactive() {
        return interactive;
    }

    @Override
    public void quietInfoLogs() {
        if (env.get("SLUICE_LOG_LEVEL") == null
                && LoggerFactory.getLogger("dev.sluice") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    @Override
    public PipelineSpec readPipeline(String pathOrName) {
        List<Path> roots = Optional.ofNullable(env.get("SLUICE_FILE_ROOTS")).filter(s -> !s.isBlank())
                .map(s -> Arrays.stream(s.split(":")).filter(p -> !p.isBlank()).map(Path::of).toList())
                .orElse(List.of());
        PipelineSpec spec = new PipelineFileReader(roots, env).read(pathOrName);
        ChannelReader channels = new ChannelReader(env);
        Optional<String> shared = Optional.ofNullable(env.get("SLUICE_NOTIFICATIONS_FILE")).filter(s -> !s.isBlank());
        if (shared.isPresent()) {
            try {
                spec = spec.withMoreChannels(channels.readFile(shared.get(),
                        Files.readString(Path.of(shared.get()), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new PipelineConfigException(shared.get(), 0, "", "cannot read the notifications file: "
                        + e.getMessage());
            }
        }
        return spec.withMoreChannels(channels.fromEnvironment());
    }

    @Override
    public Database openDatabase(Optional<String> url) {
        long started = System.nanoTime();
        Database database = Database.open(DatabaseSettings.resolve(url, env, home), POOL_SIZE);
        try {
            long connected = System.nanoTime();
            Migrations.migrate(database.dataSource());
            LoggerFactory.getLogger(Main.class).debug("database connected in {} ms, migrations checked in {} ms",
                    (connected - started) / 1_000_000, (System.nanoTime() - connected) / 1_000_000);
            return database;
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    @Override
    public Pipeline pipeline(Database database, Progress progress) {
        Path tempDir = Optional.ofNullable(env.get("SLUICE_TMPDIR")).filter(s -> !s.isBlank()).map(Path::of)
                .orElse(Path.of(System.getProperty("java.io.tmpdir")));
        SourceCache cache = new SourceCache(home.resolve("cache"));
        SourceDownloader downloader = new SourceDownloader(cache, tempDir, Sleeper.REAL, new SecureRandom(), clock,
                progress);
        return new Pipeline(database, downloader, cache, new TargetLoader(LOCK_TIMEOUT), new RunRepository(clock),
                new SourceStateRepository(), new Outbox(clock), progress);
    }

    @Override
    public HikariDataSource openReader(Database database) {
        return database.openReader(Secret.fromEnvironment(env, "SLUICE_READER_PASSWORD"), READER_POOL_SIZE);
    }

    @Override
    public NotificationDispatcher dispatcher(Database database, PipelineSpec spec) {
        return new NotificationDispatcher(database, new RunRepository(clock), spec.name(),
                channels(spec), clock,
                Sleeper.REAL, NOTIFICATION_FIRST_RETRY);
    }

    @Override
    public DirectDelivery directDelivery(PipelineSpec spec) {
        return new DirectDelivery(channels(spec), clock, Sleeper.REAL, NOTIFICATION_FIRST_RETRY);
    }

    @Override
    public Map<String, NotificationChannel> channels(PipelineSpec spec) {
        return new ChannelFactory(() -> DefaultCredentialsProvider.builder().build()).create(spec.notifications());
    }
}
