package dev.sluice.testing;

import dev.sluice.app.Wiring;
import dev.sluice.config.FetchSettings;
import dev.sluice.config.Freshness;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.db.Database;
import dev.sluice.history.Run;
import dev.sluice.history.Trigger;
import dev.sluice.notify.NotificationDispatcher;
import dev.sluice.notify.Notifier;
import dev.sluice.pipeline.DeliveryPolicy;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.RunProgress;
import dev.sluice.pipeline.RunRequest;
import dev.sluice.settings.Settings;
import dev.sluice.web.DashboardServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * A complete sluice for integration tests, wired by the production {@link Wiring}: a fresh database on the shared
 * embedded server, a home directory, a loopback source server, and a sleeper that records every delay and really
 * waits only for short ones (download retries are asserted, not waited for; notification retries of 50 ms are).
 */
public final class TestRig implements AutoCloseable {
    /** Fast retries: tests assert the attempts and delays, not wall time. */
    public static final FetchSettings FAST_FETCH = FetchSettings.DEFAULTS
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2))
            .withRetries(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30))
            .withMaxBytes(64L << 20);
    /** AWS credentials the SNS channel signs with in tests; they must never appear anywhere. */
    public static final String AWS_SECRET_KEY = "aws-secret-key-do-not-log";

    private static final Duration LONGEST_REAL_SLEEP = Duration.ofMillis(250);

    public final Path home;
    public final String url;
    public final Database database;
    public final SourceServer server = new SourceServer();
    public final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    public final Wiring wiring;
    private final Pipeline pipeline;
    private final Notifier notifier;

    public TestRig() {
        this(TestDatabase.createDatabase());
    }

    /** A rig on another database: one on a server the test can crash, say. */
    public TestRig(String databaseUrl) {
        this(databaseUrl, Map.of());
    }

    /** A rig with more settings (variables of the environment sluice reads). */
    public TestRig(String databaseUrl, Map<String, String> moreSettings) {
        this(databaseUrl, moreSettings, Clock.systemUTC());
    }

    /** A rig whose runs see this clock: today's date decides a template's files. */
    public TestRig(String databaseUrl, Map<String, String> moreSettings, Clock clock) {
        try {
            home = Files.createTempDirectory("sluice-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        url = databaseUrl;
        Map<String, String> env = new HashMap<>(Map.of(
                "SLUICE_HOME",
                home.toString(),
                "SLUICE_DB_URL",
                url,
                "SLUICE_TMPDIR",
                home.resolve("tmp").toString(),
                "SLUICE_LOCK_TIMEOUT",
                "10s",
                "SLUICE_DB_POOL_SIZE",
                "4",
                "SLUICE_NOTIFY_FIRST_RETRY",
                "50ms",
                "AWS_ACCESS_KEY_ID",
                "AKIDTEST",
                "AWS_SECRET_ACCESS_KEY",
                AWS_SECRET_KEY));
        env.putAll(moreSettings);
        Settings settings = Settings.read(env, home, home.resolve("tmp"));
        wiring = new Wiring(settings, clock, this::sleep, new Random(7));
        database = wiring.database(Optional.empty());
        database.dataSource();
        pipeline = wiring.pipeline(database, RunProgress.NONE);
        notifier = wiring.notifier(database);
    }

    private void sleep(Duration duration) throws InterruptedException {
        sleeps.add(duration);
        if (duration.compareTo(LONGEST_REAL_SLEEP) <= 0) {
            Thread.sleep(duration.toMillis());
        }
    }

    /** The dispatcher of the pipeline's channels, with a first retry of 50 ms. */
    public NotificationDispatcher dispatcher(PipelineSpec spec) {
        return notifier.dispatcher(spec);
    }

    /** The same on another connection pool: what a restarted process would build. */
    public NotificationDispatcher dispatcher(Database other, PipelineSpec spec) {
        return wiring.notifier(other).dispatcher(spec);
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /** The bundled covid-us pipeline reading both sources from this rig's server at /nyt.csv and /jhu.csv. */
    public PipelineSpec covidUs() {
        return withFastFetch(new PipelineFileReader(Trust.none())
                        .read("covid-us")
                        .withSourceUrls(Map.of("nyt", server.url("/nyt.csv"), "jhu", server.url("/jhu.csv"))))
                // The shared files end in 2020-2022: judged today, both sources are late, which FeedFreshnessIT and
                // the demo test; the tests of runs built on this pipeline count the runs' own notifications.
                .withFreshness(Freshness.NONE);
    }

    /** Runs the pipeline and delivers its notifications, as a front end does, waiting at most 10 s for them. */
    public Run runAndDeliver(PipelineSpec spec) {
        return pipeline.runAndDeliver(
                spec, RunRequest.of(Trigger.CLI), DeliveryPolicy.waitUpTo(Duration.ofSeconds(10)));
    }

    public static PipelineSpec withFastFetch(PipelineSpec spec) {
        return withFetch(spec, FAST_FETCH);
    }

    /** The same pipeline with other download settings for every source. */
    public static PipelineSpec withFetch(PipelineSpec spec, FetchSettings fetch) {
        return spec.withSources(
                spec.sources().stream().map(s -> s.withFetch(fetch)).toList());
    }

    public static PipelineSpec withUrl(PipelineSpec spec, String source, URI url) {
        return spec.withSourceUrls(Map.of(source, url));
    }

    /** A dashboard of one pipeline on a loopback port of its own, reading through {@code reader}, open to all. */
    public DashboardServer dashboard(PipelineSpec spec, DataSource reader) {
        return new DashboardServer(List.of(spec), reader, wiring.history(), 4, Optional.empty(), s -> {}, List.of())
                .start("127.0.0.1", 0);
    }

    public Run run(PipelineSpec spec) {
        return pipeline.run(spec, RunRequest.of(Trigger.CLI));
    }

    public long count(String sql) {
        try (Connection c = database.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public Optional<String> text(String sql) {
        try (Connection c = database.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public void execute(String sql) {
        try (Connection c = database.connect();
                Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /**
     * A digest of a table's entire content in key order, plus the physical identity of every row version (ctid,
     * xmin): equal digests mean not one row was rewritten.
     */
    public String tableState(String table, String orderBy) {
        return text("select count(*) || ':' || coalesce(md5(string_agg(t::text || '@' || t.ctid::text || '/'"
                        + " || t.xmin::text, '|' order by " + orderBy + ")), '') from " + table + " t")
                .orElse("");
    }

    /** The files under this rig's home that this JVM holds open (a download's file, say): none once a run ended. */
    public List<String> openFiles() {
        List<String> open = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(home)) {
                        open.add(target.toString());
                    }
                } catch (IOException closedMeanwhile) {
                    // The descriptor was closed while listing.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return open;
    }

    public List<List<String>> rows(String sql) {
        try (Connection c = database.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    @Override
    public void close() {
        server.close();
        database.close();
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temp directory is harmless.
        }
    }
}
