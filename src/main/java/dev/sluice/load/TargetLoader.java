package dev.sluice.load;

import dev.sluice.config.LoadMode;
import dev.sluice.config.PipelineSpec;
import dev.sluice.db.DatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Opens a load: starts the transaction, creates or checks the target table. Entry point of {@code load}; the
 * caller stages sources and merges through the returned {@link Load}, then commits or rolls back.
 */
public final class TargetLoader {
    private final Duration lockTimeout;
    private final Optional<LoadDigests> digests;

    /**
     * @param lockTimeout how long to wait for a lock on the target (held, say, by a long report query taking an
     *                    exclusive lock) before failing loudly instead of hanging
     * @param digests     where the digests of loads are kept, so that the next load compares with the last one's
     *                    publication instead of the whole table; empty to compare with the whole table always
     */
    public TargetLoader(Duration lockTimeout, Optional<LoadDigests> digests) {
        this.lockTimeout = lockTimeout;
        this.digests = digests;
    }

    /**
     * Starts the load of run {@code runId} in a transaction on {@code connection}: creates or checks the target, and
     * chooses how rows will reach it (see {@link LoadPlan}).
     *
     * @param started the run's start: the time a history table's new versions are valid from
     */
    public Load begin(Connection connection, PipelineSpec spec, long runId, Instant started) {
        try {
            TargetTable.prepareSchema(connection, spec.target());
            connection.setAutoCommit(false);
            try (Statement st = connection.createStatement()) {
                st.execute("set local lock_timeout = '" + lockTimeout.toMillis() + "ms'");
            }
            boolean copyFits = CopyIntoTarget.fits(spec);
            TargetTable.Ensured table = TargetTable.ensure(connection, spec.target());
            List<String> warnings = table.warnings();
            if (table.state() == TargetTable.State.CREATED_NOW) {
                LoadComparison comparison = LoadComparison.choose(connection, spec, runId, digests, true);
                if (copyFits) {
                    return new Load(
                            connection,
                            new CopyIntoTarget(connection, spec, runId, CopyIntoTarget.Target.CREATED_NOW, comparison),
                            warnings);
                }
                TargetTable.addPrimaryKey(connection, spec.target());
                return new Load(connection, stageAndMerge(connection, spec, runId, started, comparison), warnings);
            }
            try (Statement st = connection.createStatement()) {
                // Other writers wait until the load commits (readers do not): the comparison with the target,
                // and the check that it is empty, stay true until the end.
                st.execute("lock table " + spec.target().qualifiedName() + " in share row exclusive mode");
                try (var rs = st.executeQuery(
                        "select not exists (select 1 from " + spec.target().qualifiedName() + ")")) {
                    rs.next();
                    boolean empty = rs.getBoolean(1);
                    LoadComparison comparison = LoadComparison.choose(connection, spec, runId, digests, empty);
                    return new Load(
                            connection,
                            empty && copyFits
                                    ? new CopyIntoTarget(
                                            connection, spec, runId, CopyIntoTarget.Target.EXISTING_EMPTY, comparison)
                                    : stageAndMerge(connection, spec, runId, started, comparison),
                            warnings);
                }
            }
        } catch (SQLException e) {
            throw DatabaseException.of(
                    "cannot prepare the target table " + spec.target().qualifiedName(), e);
        }
    }

    private static LoadPlan stageAndMerge(
            Connection connection, PipelineSpec spec, long runId, Instant started, LoadComparison comparison) {
        if (spec.target().mode() == LoadMode.APPEND) {
            return new AppendRows(connection, spec, runId, started);
        }
        if (spec.target().keyColumns().isEmpty()) {
            return new ReplaceUnkeyed(connection, spec, runId, started);
        }
        return new StageAndMerge(connection, spec, runId, started, comparison);
    }

    /** What a run would do to the target's schema, without doing it: for {@code sluice check --db}. */
    public static SchemaPlan plan(Connection connection, PipelineSpec spec) {
        try {
            return TargetTable.plan(connection, spec.target());
        } catch (SQLException e) {
            throw DatabaseException.of(
                    "cannot read the target table " + spec.target().qualifiedName(), e);
        }
    }

    /** The DDL sluice runs for a pipeline's target, for {@code sluice check} to show. */
    public static String createStatement(PipelineSpec spec) {
        return TargetTable.createStatement(spec.target());
    }
}
