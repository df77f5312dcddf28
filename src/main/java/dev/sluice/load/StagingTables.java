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

    /** Copies a source into a staging table of its own while {@code fill} streams all its rows. */
    <T> T stage(SourceSpec source, RowPositions files, Load.Fill<T> fill) {
        return stage(source, files, fill, LoadComparison.NONE);
    }

    /**
     * Copies a source into a staging table of its own while {@code fill} streams its rows: all of them, or when
     * {@code comparison} compares with the last publication's digest, only those that differ (and then the keys of
     * the last publication's rows none matched, into a table of their own).
     *
     * @throws PublicationTap.DeltaAbandonedException when that comparison cannot go on; roll back and stage again
     */
    <T> T stage(SourceSpec source, RowPositions files, Load.Fill<T> fill, LoadComparison comparison) {
        int index = staged.size();
        String table = StagedSource.tableName(runId, index);
        KeyCheck keys = new KeyCheck(source, files);
        PublicationTap tap = comparison.tap(source);
        try {
            RowWriter writer = copyInto(connection, source, table, keys, tap);
            T result = writer.fill(fill);
            comparison.staged(tap, keys.complete());
            Optional<String> unmatched = Optional.empty();
            if (tap != null && tap.comparing()) {
                unmatched = Optional.of(stageUnmatched(source, tap, table + "_unmatched"));
            }
            staged.add(new StagedSource(source, table, writer.rows(), keys, unmatched, writer.sent()));
            return result;
        } finally {
            if (tap != null) {
                tap.discard();
            }
        }
    }

    /** Copies the keys of the last publication's rows that no row matched: among them are the keys gone. */
    private String stageUnmatched(SourceSpec source, PublicationTap tap, String table) {
        String columns = source.key().stream()
                .map(k -> SqlIdentifier.quote(k) + " "
                        + source.column(k).orElseThrow().type().sqlType())
                .collect(Collectors.joining(", "));
        String names = source.key().stream().map(SqlIdentifier::quote).collect(Collectors.joining(", "));
        try (Statement st = connection.createStatement();
                java.io.InputStream keys = tap.unmatchedKeys()) {
            st.execute("create unlogged table " + table + " (" + columns + ")");
            CopyIn copy = connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("copy " + table + " (" + names + ") from stdin with (format binary)");
            try {
                copy.writeToCopy(BinaryCopyEncoder.HEADER, 0, BinaryCopyEncoder.HEADER.length);
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = keys.read(buffer)) > 0) {
                    copy.writeToCopy(buffer, 0, n);
                }
                copy.writeToCopy(BinaryCopyEncoder.TRAILER, 0, BinaryCopyEncoder.TRAILER.length);
                copy.endCopy();
            } finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            }
            return table;
        } catch (SQLException e) {
            throw DatabaseException.of("cannot stage the unmatched keys of " + source.name(), e);
        } catch (java.io.IOException e) {
            throw new PublicationTap.DeltaAbandonedException("cannot read back the unmatched keys: " + e.getMessage());
        }
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
                if (source.unmatched().isPresent()) {
                    st.execute("drop table " + source.unmatched().get());
                }
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
        return copyInto(connection, source, table, keys, null);
    }

    private static RowWriter copyInto(
            Connection connection, SourceSpec source, String table, KeyCheck keys, PublicationTap tap) {
        try (Statement st = connection.createStatement()) {
            st.execute(StagedSource.createStatement(source, table));
            CopyIn copy = connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(StagedSource.copyStatement(source, table));
            return new RowWriter(source, copy, BinaryCopyEncoder.Layout.STAGING, keys, tap);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot stage " + source.name(), e);
        }
    }
}
