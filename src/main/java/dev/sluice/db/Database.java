package dev.sluice.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.sluice.config.Secret;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sluice's database: the connection pool, and the embedded server behind it when no URL is given. Entry point:
 * {@link #open}, which does nothing yet: the first connection starts the embedded server (or reaches the external
 * one) and brings the schema up to date, so that a database that cannot be reached fails the run that needed it,
 * where the failure is recorded and notified like any other. Every connection carries the application name
 * {@code sluice-PID}, which shows in {@code pg_stat_activity} and lets the embedded server's owner wait for other
 * sluice processes.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /** The dashboard's role, created by migration V3: SELECT only, read-only transactions. */
    public static final String READER_ROLE = "sluice_reader";

    private DatabaseSettings settings;
    private final Optional<Supplier<DatabaseSettings>> rotation;
    // Set once the credentials were read again, until a connection succeeds: a second refusal in a row is final.
    private volatile boolean rotated;
    private HikariDataSource pool;
    private EmbeddedPostgresServer embedded;
    /** Whether the process's shutdown closes this database itself, and so stops its embedded server last. */
    private volatile boolean closedOnShutdown;

    private String url;

    private Database(DatabaseSettings settings, Optional<Supplier<DatabaseSettings>> rotation) {
        this.settings = settings;
        this.rotation = rotation;
    }

    public static String applicationName() {
        return "sluice-" + ProcessHandle.current().pid();
    }

    /** The database these settings describe; nothing is connected until the first connection is asked for. */
    public static Database open(DatabaseSettings settings) {
        return new Database(settings, Optional.empty());
    }

    /**
     * The same, with credentials that may be rotated: when the database refuses them, {@code rotation} reads them
     * again (from the secret they came from), once, and the connection is tried again with the new ones.
     */
    public static Database open(DatabaseSettings settings, Supplier<DatabaseSettings> rotation) {
        return new Database(settings, Optional.of(rotation));
    }

    /** Whether a failure is the database refusing the credentials (invalid password or authorization). */
    private static boolean refusedCredentials(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && ("28P01".equals(sql.getSQLState()) || "28000".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the credentials again when they were refused and were not just read again; says whether it did. A pool
     * that lives long (a warm Lambda function's) may see several rotations, one refusal each.
     */
    private synchronized boolean rotateAfter(Throwable failure) {
        if (rotation.isEmpty() || rotated || !refusedCredentials(failure)) {
            return false;
        }
        rotated = true;
        LOG.info("the database refused the credentials; reading them again (rotated?)");
        if (pool != null) {
            pool.close();
            pool = null;
        }
        settings = rotation.get().get();
        return true;
    }

    /**
     * The pool, created on first use: the embedded server started (or joined), the schema migrated. A failure
     * leaves nothing behind, and the next call tries again.
     */
    private synchronized HikariDataSource pool() {
        if (pool != null) {
            return pool;
        }
        long started = System.nanoTime();
        Optional<String> user = settings.user();
        EmbeddedPostgresServer server = null;
        String jdbcUrl;
        if (settings.jdbcUrl().isPresent()) {
            jdbcUrl = settings.jdbcUrl().get();
        } else {
            server = EmbeddedPostgresServer.startOrJoin(settings.embeddedDirectory());
            jdbcUrl = server.jdbcUrl();
            user = Optional.of(server.user());
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("sluice");
        config.setJdbcUrl(jdbcUrl);
        user.ifPresent(config::setUsername);
        settings.password().ifPresent(secret -> config.setPassword(secret.reveal()));
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(0);
        config.setConnectionTimeout(settings.connectTimeout().toMillis());
        config.setInitializationFailTimeout(settings.connectTimeout().toMillis());
        config.addDataSourceProperty("ApplicationName", applicationName());
        HikariDataSource created;
        try {
            created = new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            if (server != null) {
                server.close();
            }
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new DatabaseException(
                    "cannot connect to the database at " + DatabaseSettings.redact(jdbcUrl) + ": " + cause.getMessage(),
                    e);
        }
        long connected = System.nanoTime();
        try {
            Migrations.migrate(created);
        } catch (RuntimeException e) {
            created.close();
            if (server != null) {
                server.close();
            }
            throw e;
        }
        LOG.debug(
                "database connected in {} ms, migrations checked in {} ms",
                (connected - started) / 1_000_000,
                (System.nanoTime() - connected) / 1_000_000);
        pool = created;
        embedded = server;
        if (server != null && closedOnShutdown) {
            server.leaveStopToOwner();
        }
        url = jdbcUrl;
        return pool;
    }

    /**
     * Says that the process's shutdown closes this database itself (serve and demo, from their shutdown hook): the
     * embedded server then stops after that shutdown has recorded its runs and delivered their notifications,
     * not at the first signal.
     */
    public synchronized void closedBySelfOnShutdown() {
        closedOnShutdown = true;
        if (embedded != null) {
            embedded.leaveStopToOwner();
        }
    }

    /** The pool as a {@link DataSource} (connecting first), for libraries that want one: the scheduler. */
    public DataSource dataSource() {
        return rotatingPool();
    }

    /** The pool; when the credentials are refused, the pool with them read again. */
    private HikariDataSource rotatingPool() {
        try {
            return pool();
        } catch (DatabaseException e) {
            if (rotateAfter(e)) {
                return pool();
            }
            throw e;
        }
    }

    /**
     * A read-only pool on the same database that connects as {@link #READER_ROLE}, for the dashboard: whatever a
     * request does, it cannot change data. User and password are taken out of the URL, where pgjdbc would let them
     * win over the pool's user.
     *
     * @throws DatabaseException when the role cannot connect, saying how to make it able to
     */
    public HikariDataSource openReader(Optional<Secret> password, int poolSize) {
        rotatingPool();
        return readerPool(url, password, poolSize, settings);
    }

    /**
     * The dashboard's read-only pool alone, for a dashboard that never loads ({@code serve --dashboard-only}): no
     * connection as the owner, no migration, so the process holds no credential that could change data.
     *
     * @throws DatabaseException without a URL (the embedded server is one process's), or when the role cannot
     *     connect
     */
    public static HikariDataSource openReaderOnly(DatabaseSettings settings, Optional<Secret> password, int poolSize) {
        String url = settings.jdbcUrl()
                .orElseThrow(() -> new DatabaseException(
                        "a dashboard alone reads a database another process loads: set SLUICE_DB_URL", null));
        return readerPool(url, password, poolSize, settings);
    }

    /** How long one statement of the dashboard may run. */
    static final java.time.Duration READER_STATEMENT_TIMEOUT = java.time.Duration.ofSeconds(30);

    private static HikariDataSource readerPool(
            String url, Optional<Secret> password, int poolSize, DatabaseSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("sluice-reader");
        config.setJdbcUrl(
                url.replaceAll("(?i)([?&])(user|password)=[^&]*&?", "$1").replaceAll("[?&]$", ""));
        config.setUsername(READER_ROLE);
        password.ifPresent(secret -> config.setPassword(secret.reveal()));
        config.setReadOnly(true);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(settings.connectTimeout().toMillis());
        config.setInitializationFailTimeout(settings.connectTimeout().toMillis());
        // No dashboard request holds a connection of the few there are for longer than this; each batch of a
        // streamed export is a statement of its own.
        config.setConnectionInitSql("set default_transaction_read_only = on; set statement_timeout = '"
                + READER_STATEMENT_TIMEOUT.toMillis() + "ms'");
        config.addDataSourceProperty("ApplicationName", applicationName() + "-web");
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new DatabaseException(
                    "the dashboard cannot connect to " + DatabaseSettings.redact(url) + " as " + READER_ROLE + ": "
                            + cause.getMessage() + ". Run `sluice migrate` as a user allowed to create roles, and for a"
                            + " password-protected server set SLUICE_READER_PASSWORD and ALTER ROLE " + READER_ROLE
                            + " PASSWORD to it",
                    e);
        }
    }

    /**
     * Sets the dashboard role's password, for a dashboard that reads with a generated secret (on AWS). The SCRAM
     * verifier is computed here, so the password itself never reaches the server, its log or its statistics.
     */
    public void setReaderPassword(Secret password) {
        try (Connection c = connect()) {
            char[] chars = password.reveal().toCharArray();
            try {
                c.unwrap(org.postgresql.PGConnection.class).alterUserPassword(READER_ROLE, chars, "scram-sha-256");
            } finally {
                java.util.Arrays.fill(chars, '\0');
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot set the password of " + READER_ROLE + ": " + e.getMessage(), e);
        }
    }

    /** A pooled connection, or a {@link DatabaseException} saying which database could not be reached. */
    public Connection connect() {
        HikariDataSource source = rotatingPool();
        try {
            Connection connection = source.getConnection();
            rotated = false;
            return connection;
        } catch (SQLException e) {
            if (rotateAfter(e)) {
                return connect();
            }
            throw new DatabaseException("cannot connect to the database at " + describe() + ": " + e.getMessage(), e);
        }
    }

    /** The URL with credentials removed ({@code embedded} before the embedded server is started). */
    public synchronized String describe() {
        return url != null
                ? DatabaseSettings.redact(url)
                : settings.jdbcUrl()
                        .map(DatabaseSettings::redact)
                        .orElse("the embedded PostgreSQL in " + settings.embeddedDirectory());
    }

    /** Drops a connection from the pool instead of returning it: used when its session state is unknown. */
    public void discard(Connection connection) {
        HikariDataSource source;
        synchronized (this) {
            source = pool;
        }
        if (source != null) {
            source.evictConnection(connection);
        }
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.close();
        }
        if (embedded != null) {
            embedded.close();
        }
        pool = null;
        embedded = null;
    }
}
