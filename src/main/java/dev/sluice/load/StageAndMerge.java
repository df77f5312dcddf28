package dev.sluice.load;

import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SourceSpec;
import dev.sluice.db.DatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
    private final StagingTables staging;
    private final LoadComparison comparison;

    StageAndMerge(Connection connection, PipelineSpec spec, long runId, Instant started, LoadComparison comparison) {
        this.connection = connection;
        this.spec = spec;
        this.runId = runId;
        this.started = started;
        this.staging = new StagingTables(connection, runId);
        this.comparison = comparison;
    }

    @Override
    public <T> T stage(SourceSpec source, RowPositions files, Load.Fill<T> fill) {
        if (comparison.kind() != LoadComparison.Kind.DELTA) {
            return staging.stage(source, files, fill, comparison);
        }
        Savepoint before = Savepoints.set(connection);
        try {
            T result = staging.stage(source, files, fill, comparison);
            Savepoints.release(connection, before);
            return result;
        } catch (PublicationTap.DeltaAbandonedException e) {
            // The rows held back are not staged: stage them all, reading the source again.
            Savepoints.rollbackTo(connection, before);
            comparison.giveUp(e.getMessage());
            return staging.stage(source, files, fill, comparison);
        }
    }

    @Override
    public void keep() {
        comparison.keep();
    }

    @Override
    public LoadOutcome finish(Publications publications) {
        try {
            List<String> warnings = new ArrayList<>();
            List<StagedSource> staged = new ArrayList<>();
            for (StagedSource source : staging.sources()) {
                StagedSource checked = staging.finishKeyCheck(source, warnings);
                warnings.addAll(DecreaseRules.apply(connection, checked, spec.target()));
                staged.add(checked);
            }
            ProvenanceColumns provenance = new ProvenanceColumns(
                    spec.target(),
                    runId,
                    started,
                    publications.filesOf(spec.sources().get(0).name()));
            LoadOutcome outcome = new TargetMerger(spec, started, provenance, comparison.kind())
                    .merge(connection, staged, runId, warnings);
            staging.drop();
            comparison.record(connection);
            return outcome.comparedAs(comparison.describe());
        } catch (SQLException e) {
            throw DatabaseException.of("cannot merge into " + spec.target().qualifiedName(), e);
        }
    }
}
