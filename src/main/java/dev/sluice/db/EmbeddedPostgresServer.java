package dev.sluice.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL (zonky) used when no database URL is given. Its data directory persists under
 * {@code $SLUICE_HOME/pg}. Several sluice processes share it: the first one starts the server and owns it; the
 * others find it running (its {@code postmaster.pid}) and connect as guests. The owner stops it on close, after
 * waiting for guests to finish, so a {@code sluice run} started while {@code sluice serve} runs is safe.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration GUEST_WAIT = Duration.ofMinutes(10);

    private final EmbeddedPostgres owned;
    private final int port;
    /** Set when the process stops the server itself on its way out (serve, demo): the exit hook leaves it alone. */
    private volatile boolean stoppedByOwner;

    private EmbeddedPostgresServer(EmbeddedPostgres owned, int port) {
        this.owned = owned;
        this.port = port;
        if (owned != null) {
            // zonky's own hook would stop the server at once on SIGTERM, while serve's shutdown still records its
            // runs and delivers their notifications on it (a 10 s connection timeout and a pool warning, measured).
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                if (!stoppedByOwner) {
                                    stop();
                                }
                            },
                            "sluice-embedded-postgres-stop"));
        }
    }

    /** The process's own shutdown stops the server, after it has finished with it (see {@link #close}). */
    void leaveStopToOwner() {
        stoppedByOwner = true;
    }

    public static EmbeddedPostgresServer startOrJoin(Path dataDirectory) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            Optional<Integer> running = runningPort(dataDirectory);
            if (running.isPresent()) {
                LOG.debug("joining the embedded PostgreSQL already running on port {}", running.get());
                return new EmbeddedPostgresServer(null, running.get());
            }
            try {
                Files.createDirectories(dataDirectory.getParent());
                EmbeddedPostgres server = EmbeddedPostgres.builder()
                        .setDataDirectory(dataDirectory)
                        .setCleanDataDirectory(false)
                        .setServerConfig("listen_addresses", "localhost")
                        // zonky turns synchronous_commit off for tests; a run reported SUCCEEDED (and notified)
                        // must survive a power cut right after, so commits wait for their WAL to reach disk.
                        .setServerConfig("synchronous_commit", "on")
                        .setPGStartupWait(START_TIMEOUT)
                        .setRegisterShutdownHook(false)
                        .start();
                LOG.debug(
                        "started the embedded PostgreSQL on port {} with data in {}", server.getPort(), dataDirectory);
                return new EmbeddedPostgresServer(server, server.getPort());
            } catch (IOException | IllegalStateException e) {
                // Another process is starting it at this moment (zonky's lock) or an old server is shutting down.
                if (System.nanoTime() > deadline) {
                    throw new DatabaseException(
                            "cannot start the embedded PostgreSQL in " + dataDirectory + ": " + e.getMessage(), e);
                }
                LOG.debug("embedded PostgreSQL not startable yet ({}); retrying", e.getMessage());
                sleep(Duration.ofMillis(250));
            }
        }
    }

    /** The port of a live server on this data directory that accepts connections, if any. */
    private static Optional<Integer> runningPort(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.size() < 4) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            int port = Integer.parseInt(lines.get(3).trim());
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && accepts(port)) {
                return Optional.of(port);
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("unreadable postmaster.pid: {}", e.getMessage());
        }
        return Optional.empty();
    }

    private static boolean accepts(int port) {
        try (Connection connection = DriverManager.getConnection(url(port), "postgres", "")) {
            return connection.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    private static String url(int port) {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    public String jdbcUrl() {
        return url(port);
    }

    public String user() {
        return "postgres";
    }

    public boolean isOwner() {
        return owned != null;
    }

    @Override
    public void close() {
        if (owned == null) {
            return;
        }
        waitForGuests();
        stop();
    }

    private void stop() {
        try {
            owned.close();
        } catch (IOException e) {
            LOG.warn("could not stop the embedded PostgreSQL cleanly: {}", e.getMessage());
        }
    }

    /** Guests are other sluice processes (application name {@code sluice-PID}) still connected. */
    private void waitForGuests() {
        long deadline = System.nanoTime() + GUEST_WAIT.toNanos();
        String own = Database.applicationName();
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(url(port), "postgres", "");
                    PreparedStatement st = c.prepareStatement("select count(*) from pg_stat_activity"
                            + " where application_name like 'sluice-%' and application_name <> ?")) {
                st.setString(1, own);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
            } catch (SQLException e) {
                return;
            }
            LOG.info("waiting for other sluice processes to disconnect before stopping the embedded PostgreSQL");
            sleep(Duration.ofSeconds(1));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("interrupted while waiting for the embedded PostgreSQL", e);
        }
    }
}
