package dev.sluice.load;

import dev.sluice.config.PipelineSpec;
import dev.sluice.db.DatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Opens a load: starts the transaction, creates or checks the target table. Entry point of {@code load}; the
 * caller stages sources and merges through the returned {@link Load}, then commits or rolls back.
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

    /**
     * Starts the load of run {@code runId} in a transaction on {@code connection}: creates or checks the target, and
     * chooses how rows will reach it (see {@link LoadPlan}).
     */
    public Load begin(Connection connection, PipelineSpec spec, long runId) {
        try {
            connection.setAutoCommit(false);
            try (Statement st = connection.createStatement()) {
                st.execute("set local lock_timeout = '" + lockTimeout.toMillis() + "ms'");
            }
            boolean copyFits = CopyIntoTarget.fits(spec);
            if (TargetTable.ensure(connection, spec.target()) == TargetTable.State.CREATED_NOW) {
                if (copyFits) {
                    return new Load(
                            connection, new CopyIntoTarget(connection, spec, runId, CopyIntoTarget.Target.CREATED_NOW));
                }
                TargetTable.addPrimaryKey(connection, spec.target());
                return new Load(connection, new StageAndMerge(connection, spec, runId));
            }
            try (Statement st = connection.createStatement()) {
                // Other writers wait until the load commits (readers do not): the comparison with the target,
                // and the check that it is empty, stay true until the end.
                st.execute("lock table " + spec.target().qualifiedName() + " in share row exclusive mode");
                try (var rs = st.executeQuery(
                        "select not exists (select 1 from " + spec.target().qualifiedName() + ")")) {
                    rs.next();
                    boolean empty = rs.getBoolean(1);
                    return new Load(
                            connection,
                            empty && copyFits
                                    ? new CopyIntoTarget(connection, spec, runId, CopyIntoTarget.Target.EXISTING_EMPTY)
                                    : new StageAndMerge(connection, spec, runId));
                }
            }
        } catch (SQLException e) {
            throw DatabaseException.of(
                    "cannot prepare the target table " + spec.target().qualifiedName(), e);
        }
    }

    /** The DDL sluice runs for a pipeline's target, for {@code sluice check} to show. */
    public static String createStatement(PipelineSpec spec) {
        return TargetTable.createStatement(spec.target());
    }
}
