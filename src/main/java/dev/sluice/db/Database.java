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
    private final HikariDataSource pool;
    private final EmbeddedPostgresServer embedded;
    private final String shownUrl;

    private Database(HikariDataSource pool, EmbeddedPostgresServer embedded, String shownUrl) {
        this.pool = pool;
        this.embedded = embedded;
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
            return new Database(new HikariDataSource(config), embedded, shown);
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
