package dev.sluice.load;

import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SourceSpec;
import dev.sluice.db.DatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * One load, inside the caller's transaction: stage every source, then {@link #merge}. Nothing is visible to
 * other sessions until the caller commits; any failure is followed by a rollback that leaves the target exactly
 * as it was.
 */
public final class LoadTransaction {
    private final Connection connection;
    private final PipelineSpec spec;
    private final List<StagedSource> staged = new ArrayList<>();

    LoadTransaction(Connection connection, PipelineSpec spec) {
        this.connection = connection;
        this.spec = spec;
    }

    /**
     * Creates the source's staging table and streams rows into it: {@code fill} receives the writer and returns
     * whatever it wants to report (the validation report).
     */
    public <T> T stage(SourceSpec source, Function<StagingWriter, T> fill) {
        StagedSource table = StagedSource.of(source, staged.size());
        StagingWriter writer;
        try (Statement st = connection.createStatement()) {
            st.execute(table.createStatement());
            CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(table.copyStatement());
            writer = new StagingWriter(source, copy);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot create the staging table of " + source.name(), e);
        }
        boolean finished = false;
        try {
            T result = fill.apply(writer);
            writer.finish();
            finished = true;
            staged.add(table);
            return result;
        } finally {
            if (!finished) {
                writer.abort();
            }
        }
    }

    /**
     * Checks keys, applies cleaning rules, joins the sources and writes only new and changed rows, logging the
     * changes under {@code runId}.
     */
    public LoadOutcome merge(long runId) {
        try (Statement st = connection.createStatement()) {
            List<String> warnings = new ArrayList<>();
            for (StagedSource source : staged) {
                // Temporary tables are never auto-analyzed; without statistics the planner guesses row counts.
                st.execute("analyze " + source.table());
                DuplicateKeys.check(connection, source);
                warnings.addAll(DecreaseRules.apply(connection, source));
            }
            return new TargetMerger(spec).merge(connection, staged, runId, warnings);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot merge into " + spec.target().qualifiedName(), e);
        }
    }
}
