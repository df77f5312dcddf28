package dev.sluice.load;

import dev.sluice.config.JoinSpec;
import dev.sluice.config.SourceSpec;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.db.DatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The staging tables of one load, for the plans that stage ({@link StageAndMerge}, {@link AppendRows}): each source
 * copied into a table of its own while it streams, the keys the stream could not vouch for checked in SQL after,
 * the tables read as one (joined as the pipeline says), and all of them dropped before the transaction commits.
 */
final class StagingTables {
    private final Connection connection;
    private final long runId;
    private final List<StagedSource> staged = new ArrayList<>();

    StagingTables(Connection connection, long runId) {
        this.connection = connection;
        this.runId = runId;
    }

    /** Copies a source into a staging table of its own while {@code fill} streams its rows. */
    <T> T stage(SourceSpec source, RowPositions files, Load.Fill<T> fill) {
        String table = StagedSource.tableName(runId, staged.size());
        KeyCheck keys = new KeyCheck(source, files);
        RowWriter writer = copyInto(connection, source, table, keys);
        T result = writer.fill(fill);
        staged.add(new StagedSource(source, table, writer.rows(), keys));
        return result;
    }

    /** The staged sources, in the order they were staged. */
    List<StagedSource> sources() {
        return List.copyOf(staged);
    }

    /**
     * Finishes in SQL the check of a staged source's key, where the stream could not; a source that keeps one row
     * of each key loses the others here, which {@code warnings} is told.
     *
     * @return the source as staged now
     */
    StagedSource finishKeyCheck(StagedSource source, List<String> warnings) throws SQLException {
        if (source.keys().complete()) {
            return source;
        }
        KeyCheck.Kept kept = source.keys().inStaging(connection, source);
        kept.warning().ifPresent(warnings::add);
        StagedSource now = source.withRows(source.rows() - kept.rows());
        staged.set(staged.indexOf(source), now);
        return now;
    }

    void drop() throws SQLException {
        try (Statement st = connection.createStatement()) {
            for (StagedSource source : staged) {
                st.execute("drop table " + source.table());
            }
        }
    }

    /**
     * The staged sources as one FROM item: a source's table, or the tables joined with {@code USING} on the join's
     * columns (so that a FULL join's key is the coalesce of both sides).
     */
    static String joined(List<StagedSource> staged, Optional<JoinSpec> join) {
        StringBuilder from = new StringBuilder(staged.get(0).table());
        if (staged.size() == 1) {
            return from.toString();
        }
        String using =
                join.orElseThrow().on().stream().map(SqlIdentifier::quote).collect(Collectors.joining(", "));
        String joinWord = join.orElseThrow().type().name().toLowerCase(Locale.ROOT) + " join ";
        for (int i = 1; i < staged.size(); i++) {
            from.append(' ')
                    .append(joinWord)
                    .append(staged.get(i).table())
                    .append(" using (")
                    .append(using)
                    .append(')');
        }
        return from.toString();
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
}
