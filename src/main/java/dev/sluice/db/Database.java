package dev.sluice.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.sluice.config.Secret;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
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

    private final DatabaseSettings settings;
    private HikariDataSource pool;
    private EmbeddedPostgresServer embedded;
    private String url;

    private Database(DatabaseSettings settings) {
        this.settings = settings;
    }

    public static String applicationName() {
        return "sluice-" + ProcessHandle.current().pid();
    }

    /** The database these settings describe; nothing is connected until the first connection is asked for. */
    public static Database open(DatabaseSettings settings) {
        return new Database(settings);
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
        url = jdbcUrl;
        return pool;
    }

    /** The pool as a {@link DataSource} (connecting first), for libraries that want one: the scheduler. */
    public DataSource dataSource() {
        return pool();
    }

    /**
     * A read-only pool on the same database that connects as {@link #READER_ROLE}, for the dashboard: whatever a
     * request does, it cannot change data. User and password are taken out of the URL, where pgjdbc would let them
     * win over the pool's user.
     *
     * @throws DatabaseException when the role cannot connect, saying how to make it able to
     */
    public HikariDataSource openReader(Optional<Secret> password, int poolSize) {
        pool();
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
        config.setConnectionInitSql("set default_transaction_read_only = on");
        config.addDataSourceProperty("ApplicationName", applicationName() + "-web");
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new DatabaseException(
                    "the dashboard cannot connect to " + describe() + " as " + READER_ROLE + ": "
                            + cause.getMessage() + ". Run `sluice migrate` as a user allowed to create roles, and for a"
                            + " password-protected server set SLUICE_READER_PASSWORD and ALTER ROLE " + READER_ROLE
                            + " PASSWORD to it",
                    e);
        }
    }

    /** A pooled connection, or a {@link DatabaseException} saying which database could not be reached. */
    public Connection connect() {
        HikariDataSource source = pool();
        try {
            return source.getConnection();
        } catch (SQLException e) {
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
