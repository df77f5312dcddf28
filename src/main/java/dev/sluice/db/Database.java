package dev.sluice.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The connection pool to sluice's database, and the embedded server behind it when there is one. Entry point:
 * {@link #open}. Every connection carries the application name {@code sluice-PID}, which shows in
 * {@code pg_stat_activity} and lets the embedded server's owner wait for other sluice processes.
 */
public final class Database implements AutoCloseable {
    /** The dashboard's role, created by migration V3: SELECT only, read-only transactions. */
    public static final String READER_ROLE = "sluice_reader";

    private final HikariDataSource pool;
    private final EmbeddedPostgresServer embedded;
    private final String url;
    private final String shownUrl;

    private Database(HikariDataSource pool, EmbeddedPostgresServer embedded, String url, String shownUrl) {
        this.pool = pool;
        this.embedded = embedded;
        this.url = url;
        this.shownUrl = shownUrl;
    }

    public static String applicationName() {
        return "sluice-" + ProcessHandle.current().pid();
    }

    /**
     * Connects (starting the embedded server if no URL is configured) and checks the connection.
     *
     * @throws DatabaseException when the database cannot be reached, with the URL shown redacted
     */
    public static Database open(DatabaseSettings settings, int poolSize) {
        EmbeddedPostgresServer embedded = null;
        String url;
        Optional<String> user = settings.user();
        if (settings.jdbcUrl().isPresent()) {
            url = settings.jdbcUrl().get();
        } else {
            embedded = EmbeddedPostgresServer.startOrJoin(settings.embeddedDataDirectory());
            url = embedded.jdbcUrl();
            user = Optional.of(embedded.user());
        }
        String shown = DatabaseSettings.redact(url);
        HikariConfig config = new HikariConfig();
        config.setPoolName("sluice");
        config.setJdbcUrl(url);
        user.ifPresent(config::setUsername);
        settings.password().ifPresent(secret -> config.setPassword(secret.reveal()));
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(10_000);
        config.addDataSourceProperty("ApplicationName", applicationName());
        try {
            return new Database(new HikariDataSource(config), embedded, url, shown);
        } catch (HikariPool.PoolInitializationException e) {
            if (embedded != null) {
                embedded.close();
            }
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new DatabaseException("cannot connect to the database at " + shown + ": " + cause.getMessage(), e);
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    /**
     * A read-only pool on the same database that connects as {@link #READER_ROLE}, for the dashboard: whatever a
     * request does, it cannot change data. User and password are taken out of the URL, where pgjdbc would let them
     * win over the pool's user.
     *
     * @throws DatabaseException when the role cannot connect, saying how to make it able to
     */
    public HikariDataSource openReader(Optional<dev.sluice.config.Secret> password, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("sluice-reader");
        config.setJdbcUrl(url.replaceAll("(?i)([?&])(user|password)=[^&]*&?", "$1").replaceAll("[?&]$", ""));
        config.setUsername(READER_ROLE);
        password.ifPresent(secret -> config.setPassword(secret.reveal()));
        config.setReadOnly(true);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(5_000);
        config.setConnectionInitSql("set default_transaction_read_only = on");
        config.addDataSourceProperty("ApplicationName", applicationName() + "-web");
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new DatabaseException("the dashboard cannot connect to " + shownUrl + " as " + READER_ROLE + ": "
                    + cause.getMessage() + ". Run `sluice migrate` as a user allowed to create roles, and for a"
                    + " password-protected server set SLUICE_READER_PASSWORD and ALTER ROLE " + READER_ROLE
                    + " PASSWORD to it", e);
        }
    }

    /** A pooled connection, or a {@link DatabaseException} saying which database could not be reached. */
    public Connection connect() {
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            throw new DatabaseException("cannot connect to the database at " + shownUrl + ": " + e.getMessage(), e);
        }
    }

    /** The URL with credentials removed. */
    public String describe() {
        return shownUrl;
    }

    /** Drops a connection from the pool instead of returning it: used when its session state is unknown. */
    public void discard(Connection connection) {
        pool.evictConnection(connection);
    }

    @Override
    public void close() {
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
