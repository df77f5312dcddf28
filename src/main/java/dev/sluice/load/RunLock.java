package dev.sluice.load;

import dev.sluice.db.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * One run per pipeline at a time, across processes and machines sharing the database: a session-level PostgreSQL
 * advisory lock, taken before downloading and held on the run's connection until the run is recorded. A second
 * run does not wait: it ends at once as {@code SKIPPED_LOCKED}. If the process dies, PostgreSQL drops the session
 * and the lock with it, so no lock is ever left behind.
 */
public final class RunLock implements AutoCloseable {
    /** The first key of sluice's advisory locks, so they cannot collide with an application's own. */
    private static final int NAMESPACE = 0x534c5543; // "SLUC"

    private final Connection connection;
    private final String pipeline;

    private RunLock(Connection connection, String pipeline) {
        this.connection = connection;
        this.pipeline = pipeline;
    }

    /** Takes the pipeline's lock on this connection, or returns empty when another session holds it. */
    public static Optional<RunLock> tryAcquire(Connection connection, String pipeline) {
        try (PreparedStatement st = connection.prepareStatement("select pg_try_advisory_lock(?, hashtext(?))")) {
            st.setInt(1, NAMESPACE);
            st.setString(2, pipeline);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1) ? Optional.of(new RunLock(connection, pipeline)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw DatabaseException.of("cannot take the run lock of pipeline " + pipeline, e);
        }
    }

    @Override
    public void close() throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("select pg_advisory_unlock(?, hashtext(?))")) {
            st.setInt(1, NAMESPACE);
            st.setString(2, pipeline);
            st.execute();
        }
    }
}
