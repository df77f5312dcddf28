package dev.sluice.load;

import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SourceSpec;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetColumn;
import dev.sluice.config.TargetSpec;
import dev.sluice.db.DatabaseException;
import dev.sluice.history.RowCounts;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The plan of a {@code replace} table without a key: a keyless file (a survey's answers, a list that repeats
 * identical rows) becomes the table's rows. Without a key no row is "the same row, changed", so the publication and
 * the table are compared as multisets of rows: a row the publication has more times than the table was inserted, one
 * it has fewer times was deleted, the rest is unchanged, and nothing is ever counted as updated. When they are equal
 * nothing is written; otherwise every row is replaced, as {@code replace} does.
 */
final class ReplaceUnkeyed implements LoadPlan {
    private static final String DIFFERENCE = "sluice_multiset_difference";
    private static final String PUBLISHED = "_sluice_published";
    private static final String HELD = "_sluice_held";

    private final Connection connection;
    private final PipelineSpec spec;
    private final long runId;
    private final Instant started;
    private final StagingTables staging;

    ReplaceUnkeyed(Connection connection, PipelineSpec spec, long runId, Instant started) {
        this.connection = connection;
        this.spec = spec;
        this.runId = runId;
        this.started = started;
        this.staging = new StagingTables(connection, runId);
    }

    @Override
    public <T> T stage(SourceSpec source, RowPositions files, Load.Fill<T> fill) {
        return staging.stage(source, files, fill);
    }

    @Override
    public LoadOutcome finish(Publications publications) {
        TargetSpec target = spec.target();
        try (Statement st = connection.createStatement()) {
            List<StagedSource> staged = staging.sources();
            String columns = columnList("");
            String publication = StagingTables.joined(staged, spec.join());
            // GROUP BY compares with equality and puts NULLs together: what "the same row" means here.
            st.executeUpdate("create temp table " + DIFFERENCE + " on commit drop as select " + columns
                    + ", count(*) filter (where " + PUBLISHED + ") as " + PUBLISHED + ", count(*) filter (where not "
                    + PUBLISHED + ") as " + HELD + " from (select " + columns + ", true as " + PUBLISHED + " from "
                    + publication + " union all select " + columns + ", false from " + target.qualifiedName()
                    + ") u group by " + columns + " having count(*) filter (where " + PUBLISHED
                    + ") <> count(*) filter (where not " + PUBLISHED + ")");
            long total = staged.stream().mapToLong(StagedSource::rows).sum();
            long inserted;
            long deleted;
            try (ResultSet rs = st.executeQuery("select coalesce(sum(greatest(" + PUBLISHED + " - " + HELD
                    + ", 0)), 0), coalesce(sum(greatest(" + HELD + " - " + PUBLISHED + ", 0)), 0) from "
                    + DIFFERENCE)) {
                rs.next();
                inserted = rs.getLong(1);
                deleted = rs.getLong(2);
            }
            if (inserted > 0 || deleted > 0) {
                st.executeUpdate("delete from " + target.qualifiedName());
                ProvenanceColumns provenance = new ProvenanceColumns(
                        target,
                        runId,
                        started,
                        publications.filesOf(spec.sources().get(0).name()));
                st.executeUpdate("insert into " + target.qualifiedName() + " (" + columns + provenance.columns()
                        + ") select " + columns
                        + provenance.values(staged.get(0).table() + "." + TargetSpec.LINE)
                        + " from " + publication);
            }
            long logged = logChanges();
            st.execute("drop table " + DIFFERENCE);
            staging.drop();
            return new LoadOutcome(new RowCounts(inserted, 0, deleted, total - inserted), logged, List.of());
        } catch (SQLException e) {
            throw DatabaseException.of("cannot replace the rows of " + target.qualifiedName(), e);
        }
    }

    /** The rows inserted, then the rows deleted, each once per copy, numbered in that order, up to the limit. */
    private long logChanges() throws SQLException {
        TargetSpec target = spec.target();
        if (target.changeLogLimit() == 0) {
            return 0;
        }
        List<TargetColumn> columns = target.columns();
        String values = ChangeLogRows.json(columns);
        String changes = "select 0 as side, 'INSERT' as operation, null::jsonb as old_values, " + values
                + " as new_values from " + DIFFERENCE + ", generate_series(1, " + PUBLISHED + " - " + HELD + ")"
                + " union all select 1, 'DELETE', " + values + ", null::jsonb from " + DIFFERENCE
                + ", generate_series(1, " + HELD + " - " + PUBLISHED + ")";
        String select = "select seq, operation, jsonb_build_object('row', seq) as key, old_values, new_values from"
                + " (select row_number() over (order by side) as seq, * from (" + changes + ") c limit ?) n";
        return ChangeLogRows.insert(connection, runId, spec.name(), target.changeLogLimit(), select);
    }

    private String columnList(String prefix) {
        return spec.target().columns().stream()
                .map(c -> prefix + SqlIdentifier.quote(c.name()))
                .collect(Collectors.joining(", "));
    }
}
