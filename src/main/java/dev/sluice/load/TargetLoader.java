package dev.sluice.load;

import dev.sluice.config.PipelineSpec;
import dev.sluice.db.DatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Opens a load: starts the transaction, creates or checks the target table. Entry point of {@code load}; the
 * caller stages sources and merges through the returned {@link LoadTransaction}, then commits or rolls back.
 */
public final class TargetLoader {
    private final Duration lockTimeout;

    /**
     * @param lockTimeout how long to wait for a lock on the target (held, say, by a long report query taking an
     *                    exclusive lock) before failing loudly instead of hanging
     */
    public TargetLoader(Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
    }

    /** Starts the load of run {@code runId}: its staging tables are named after it. */
    public LoadTransaction begin(Connection connection, PipelineSpec spec, long runId) {
        try {
            connection.setAutoCommit(false);
            try (Statement st = connection.createStatement()) {
                st.execute("set local lock_timeout = '" + lockTimeout.toMillis() + "ms'");
            }
            boolean created = TargetTable.ensure(connection, spec.target());
            if (created) {
                return new LoadTransaction(connection, spec, runId, true, true);
            }
            try (Statement st = connection.createStatement()) {
                // Other writers wait until the load commits (readers do not): the comparison with the target,
                // and the first-load check that it is empty, stay true until the end.
                st.execute("lock table " + spec.target().qualifiedName() + " in share row exclusive mode");
                try (var rs = st.executeQuery("select not exists (select 1 from " + spec.target().qualifiedName()
                        + ")")) {
                    rs.next();
                    return new LoadTransaction(connection, spec, runId, rs.getBoolean(1), false);
                }
            }
        } catch (SQLException e) {
            throw DatabaseException.of("cannot prepare the target table " + spec.target().qualifiedName(), e);
        }
    }

    /** The DDL sluice runs for a pipeline's target, for {@code sluice check} to show. */
    public static String createStatement(PipelineSpec spec) {
        return TargetTable.createStatement(spec.target());
    }
}
