package dev.sluice.pipeline;

import dev.sluice.db.Database;
import dev.sluice.db.DatabaseException;
import dev.sluice.load.RunLock;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection a run works on, holding the pipeline's run lock for the run's whole life. On close the lock is
 * released and the connection returned; a connection in an unknown state is discarded rather than pooled.
 */
final class RunSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunSession.class);

    private final Database database;
    private final Connection connection;
    private final Optional<RunLock> lock;

    private RunSession(Database database, Connection connection, Optional<RunLock> lock) {
        this.database = database;
        this.connection = connection;
        this.lock = lock;
    }

    static RunSession open(Database database, String pipeline) {
        Connection connection = database.connect();
        try {
            connection.setAutoCommit(true);
            return new RunSession(database, connection, RunLock.tryAcquire(connection, pipeline));
        } catch (SQLException | RuntimeException e) {
            database.discard(connection);
            closeQuietly(connection);
            throw e instanceof SQLException sql
                    ? DatabaseException.of("cannot start a run of " + pipeline, sql)
                    : (RuntimeException) e;
        }
    }

    /** Kills the session's connection from another thread; the run's next statement fails and it records that. */
    void abort() {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException e) {
            LOG.debug("abort failed: {}", e.getMessage());
        }
    }

    boolean locked() {
        return lock.isPresent();
    }

    Connection connection() {
        return connection;
    }

    /** Rolls back whatever the connection has open; false when the connection is unusable. */
    boolean rollback() {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            return true;
        } catch (SQLException e) {
            LOG.debug("rollback failed: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        boolean healthy = rollback();
        if (healthy && lock.isPresent()) {
            try {
                lock.get().close();
            } catch (SQLException e) {
                healthy = false;
            }
        }
        if (!healthy) {
            // Closing the physical connection ends the session, and PostgreSQL drops its lock with it.
            database.discard(connection);
        }
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Already broken; the pool replaces it.
        }
    }
}
