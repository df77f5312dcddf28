package dev.sluice.load;

import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Provenance;
import dev.sluice.config.SourceSpec;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetColumn;
import dev.sluice.config.TargetSpec;
import dev.sluice.db.DatabaseException;
import dev.sluice.history.RowCounts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The plan of an append table: each source is staged (its key, if it has one, checked within the publication);
 * then every row of each file not appended before is inserted with the run's id, and the file's sha256 remembered in
 * {@code sluice.appended_files}. A file already appended is left out and said so, even when the run was forced: a
 * publication is never appended twice.
 */
final class AppendRows implements LoadPlan {
    private final Connection connection;
    private final PipelineSpec spec;
    private final long runId;
    private final Instant started;
    private final StagingTables staging;

    AppendRows(Connection connection, PipelineSpec spec, long runId, Instant started) {
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
        try {
            List<String> warnings = new ArrayList<>();
            long left = 0;
            List<StagedSource> staged = new ArrayList<>();
            for (StagedSource source : staging.sources()) {
                StagedSource checked = staging.finishKeyCheck(source, warnings);
                left += leaveOutAppended(
                        checked, publications.of(source.source().name()), warnings);
                staged.add(checked);
            }
            TargetSpec target = spec.target();
            String columns = target.columns().stream()
                    .map(c -> SqlIdentifier.quote(c.name()))
                    .collect(Collectors.joining(", "));
            long inserted;
            try (Statement st = connection.createStatement()) {
                // The run_id an append table always has is its own; the other provenance columns as asked.
                ProvenanceColumns provenance = new ProvenanceColumns(
                        target,
                        runId,
                        started,
                        publications.filesOf(spec.sources().get(0).name()),
                        Provenance.RUN_ID);
                String line = staged.get(0).table() + "." + TargetSpec.LINE;
                inserted = st.executeUpdate("insert into " + target.qualifiedName() + " (" + columns + ", "
                        + SqlIdentifier.quote(TargetSpec.RUN_ID) + provenance.columns() + ") select " + columns + ", "
                        + runId + provenance.values(line) + " from "
                        + StagingTables.joined(staged, spec.join()));
            }
            for (StagedSource source : staged) {
                remember(source.source().name(), publications.of(source.source().name()));
            }
            long logged = logInserted(target);
            staging.drop();
            return new LoadOutcome(new RowCounts(inserted, 0, 0, left), logged, warnings);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot append to " + spec.target().qualifiedName(), e);
        }
    }

    /** Deletes from staging the rows of files appended before; returns how many rows that left out. */
    private long leaveOutAppended(StagedSource source, List<String> sha256, List<String> warnings) throws SQLException {
        Map<String, Long> appendedBy = new HashMap<>();
        try (PreparedStatement st = connection.prepareStatement("select sha256, run_id from sluice.appended_files"
                + " where pipeline = ? and source = ? and sha256 = any (?)")) {
            st.setString(1, spec.name());
            st.setString(2, source.source().name());
            st.setArray(3, connection.createArrayOf("text", sha256.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    appendedBy.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        long left = 0;
        for (int file = 0; file < sha256.size(); file++) {
            Long run = appendedBy.get(sha256.get(file));
            if (run == null) {
                continue;
            }
            try (Statement st = connection.createStatement()) {
                left += st.executeUpdate(
                        "delete from " + source.table() + " where " + RowPositions.fileOf("_line") + " = " + file);
            }
            String name =
                    source.positions().label(file).map(label -> " " + label).orElse("");
            warnings.add(source.source().name() + name + ": appended by run " + run
                    + " already (the same sha256); not appended twice");
        }
        return left;
    }

    private void remember(String source, List<String> sha256) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("insert into sluice.appended_files (pipeline, source,"
                + " sha256, run_id, at) values (?, ?, ?, ?, ?) on conflict do nothing")) {
            for (String sha : sha256) {
                st.setString(1, spec.name());
                st.setString(2, source);
                st.setString(3, sha);
                st.setLong(4, runId);
                st.setTimestamp(5, Timestamp.from(started));
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    /** The first rows this run appended go to the change log as inserts (an append table may have no key). */
    private long logInserted(TargetSpec target) throws SQLException {
        if (target.changeLogLimit() == 0) {
            return 0;
        }
        List<TargetColumn> keys = target.keyColumns();
        List<TargetColumn> values = target.valueColumns();
        String key = keys.isEmpty() ? "jsonb_build_object('row', seq)" : ChangeLogRows.json(keys);
        String select = "select seq, 'INSERT' as operation, " + key + " as key, null::jsonb as old_values, "
                + ChangeLogRows.json(values) + " as new_values from (select *, row_number() over () as seq from "
                + target.qualifiedName() + " where " + SqlIdentifier.quote(TargetSpec.RUN_ID) + " = " + runId
                + " limit ?) t";
        return ChangeLogRows.insert(connection, runId, spec.name(), target.changeLogLimit(), select);
    }
}
