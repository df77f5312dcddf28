package dev.sluice.load;

import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SourceSpec;
import dev.sluice.db.DatabaseException;
import dev.sluice.history.ExpectationResult;
import dev.sluice.history.RowCounts;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One load, inside the caller's transaction: {@link #stage} every source, then {@link #merge}. Nothing is visible
 * to other sessions until the caller commits; any failure is followed by a rollback that leaves the target exactly
 * as it was. How rows reach the target was chosen once, when the load began: see {@link LoadPlan}.
 */
public final class Load {
    private static final Logger LOG = LoggerFactory.getLogger(Load.class);
    static final int MAX_REPEATS = 10;

    /** Writes a source's rows through the writer it is given, and returns what it wants to report. */
    @FunctionalInterface
    public interface Fill<T> {
        T into(RowWriter writer);
    }

    private final Connection connection;
    private final LoadPlan plan;
    private final List<String> schemaWarnings;

    /** @param schemaWarnings what the target's schema changes say (a column added) */
    Load(Connection connection, LoadPlan plan, List<String> schemaWarnings) {
        this.connection = connection;
        this.plan = plan;
        this.schemaWarnings = List.copyOf(schemaWarnings);
    }

    /**
     * Streams a source's rows into the target or its staging table. When {@code fill} fails with an exception that
     * {@code readAgain} accepts (the body it was reading restarted), everything it wrote is rolled back to a
     * savepoint and {@code fill} runs again, at most {@link #MAX_REPEATS} times.
     *
     * @param files how messages name each of the source's files, in the order the writer's file indexes count
     *              them; a single null for a source of one file
     */
    public <T> T stage(SourceSpec source, List<String> files, Fill<T> fill, Predicate<RuntimeException> readAgain) {
        RowPositions positions = new RowPositions(files);
        for (int attempt = 1; ; attempt++) {
            Savepoint savepoint = Savepoints.set(connection);
            try {
                T result = plan.stage(source, positions, fill);
                Savepoints.release(connection, savepoint);
                return result;
            } catch (RuntimeException e) {
                if (!readAgain.test(e) || attempt >= MAX_REPEATS) {
                    throw e;
                }
                LOG.info("{}; reading it again", e.getMessage());
                Savepoints.rollbackTo(connection, savepoint);
            }
        }
    }

    /**
     * Checks what is left to check (keys, cleaning rules) and writes the target: only new and changed rows, logging
     * the changes under the run's id. Nothing of the load's own is left behind.
     */
    public LoadOutcome merge(Publications publications) {
        LoadOutcome outcome = plan.finish(publications);
        if (schemaWarnings.isEmpty()) {
            return outcome;
        }
        List<String> warnings = new java.util.ArrayList<>(schemaWarnings);
        warnings.addAll(outcome.warnings());
        return new LoadOutcome(
                outcome.rows(), outcome.changesLogged(), warnings, outcome.revisions(), outcome.comparison());
    }

    /**
     * Checks the pipeline's declared expectations on the table as the merge left it, inside the transaction: what
     * readers would see after the commit.
     */
    public List<ExpectationResult> check(PipelineSpec spec, long runId, RowCounts rows) {
        if (spec.expectations().isEmpty()) {
            return List.of();
        }
        try {
            return new ExpectationCheck(connection, spec.target(), runId, rows).check(spec.expectations());
        } catch (SQLException e) {
            throw DatabaseException.of("cannot check the expectations of " + spec.name(), e);
        }
    }

    /**
     * After the caller committed: what the load keeps for the next one (its publication's digest) is kept. Not
     * called after a rollback (a failure, a dry run): the next load of the pipeline removes what this one left.
     */
    public void keep() {
        plan.keep();
    }

    /** The plan's name, for the log. */
    public String plan() {
        return plan.getClass().getSimpleName();
    }
}
