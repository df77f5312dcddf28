package dev.sluice.load;

import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SourceSpec;
import dev.sluice.db.DatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The plan for a target that has rows (or several sources, or cleaning rules): each source is copied into a staging
 * table of its own; then keys the streaming check could not vouch for are checked in SQL, the cleaning rules run,
 * and {@link TargetMerger} joins the sources and writes only new and changed rows. The staging tables are dropped
 * before the transaction commits.
 */
final class StageAndMerge implements LoadPlan {
    private final Connection connection;
    private final PipelineSpec spec;
    private final long runId;
    private final Instant started;
    private final List<StagedSource> staged = new ArrayList<>();

    StageAndMerge(Connection connection, PipelineSpec spec, long runId, Instant started) {
        this.connection = connection;
        this.spec = spec;
        this.runId = runId;
        this.started = started;
    }

    @Override
    public <T> T stage(SourceSpec source, RowPositions files, Load.Fill<T> fill) {
        String table = StagedSource.tableName(runId, staged.size());
        KeyCheck keys = new KeyCheck(source, files);
        RowWriter writer = copyInto(connection, source, table, keys);
        T result = writer.fill(fill);
        staged.add(new StagedSource(source, table, writer.rows(), keys));
        return result;
    }

    /** Creates a source's staging table and opens a COPY into it. */
    static RowWriter copyInto(Connection connection, SourceSpec source, String table, KeyCheck keys) {
        try (Statement st = connection.createStatement()) {
            st.execute(StagedSource.createStatement(source, table));
            CopyIn copy = connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(StagedSource.copyStatement(source, table));
            return new RowWriter(source, copy, BinaryCopyEncoder.Layout.STAGING, keys);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot stage " + source.name(), e);
        }
    }

    @Override
    public LoadOutcome finish(Publications publications) {
        try {
            List<String> warnings = new ArrayList<>();
            for (StagedSource source : staged) {
                if (!source.keys().complete()) {
                    source.keys().inStaging(connection, source);
                }
                warnings.addAll(DecreaseRules.apply(connection, source));
            }
            LoadOutcome outcome = new TargetMerger(spec, started).merge(connection, staged, runId, warnings);
            try (Statement st = connection.createStatement()) {
                for (StagedSource source : staged) {
                    st.execute("drop table " + source.table());
                }
            }
            return outcome;
        } catch (SQLException e) {
            throw DatabaseException.of("cannot merge into " + spec.target().qualifiedName(), e);
        }
    }
}
