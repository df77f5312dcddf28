package dev.sluice.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sluice.change_log}: which keys each run inserted or updated, with old and new values as JSON. The load
 * writes it in the run's transaction, from the set of changes it computed, through {@link #insertFrom}; the run
 * pages and notifications read it through {@link #read}.
 */
public final class ChangeLog {
    private ChangeLog() {}

    /**
     * The statement that fills a run's change log from {@code select}, a query yielding the columns {@code seq}
     * (1, 2, ...), {@code operation} ({@code INSERT} or {@code UPDATE}), {@code key}, {@code old_values} and
     * {@code new_values} (jsonb). Its first two parameters are the run id and the pipeline; the query's own follow.
     */
    public static String insertFrom(String select) {
        return "insert into sluice.change_log (run_id, seq, pipeline, operation, key, old_values, new_values)"
                + " select ?, c.seq, ?, c.operation, c.key, c.old_values, c.new_values from (" + select + ") c";
    }

    /** Logs these changes under a run: a dry run keeps the sample it read before it rolled back. */
    public static void insert(Connection connection, long runId, String pipeline, List<Change> changes)
            throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("insert into sluice.change_log (run_id, seq, pipeline,"
                + " operation, key, old_values, new_values) values (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb)")) {
            for (Change change : changes) {
                st.setLong(1, runId);
                st.setInt(2, change.seq());
                st.setString(3, pipeline);
                st.setString(4, change.operation().name());
                st.setString(5, change.key().toString());
                st.setString(
                        6,
                        change.oldValues() == null ? null : change.oldValues().toString());
                st.setString(
                        7,
                        change.newValues() == null ? null : change.newValues().toString());
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    /** The changes a run logged, in key order, at most {@code limit}. */
    public static List<Change> read(Connection connection, long runId, int limit) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("select run_id, seq, operation, key::text,"
                + " old_values::text, new_values::text from sluice.change_log where run_id = ? order by seq limit ?")) {
            st.setLong(1, runId);
            st.setInt(2, limit);
            List<Change> changes = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    changes.add(new Change(
                            rs.getLong(1),
                            rs.getInt(2),
                            Change.Operation.valueOf(rs.getString(3)),
                            RunJson.parse(rs.getString(4)),
                            rs.getString(5) == null ? null : RunJson.parse(rs.getString(5)),
                            rs.getString(6) == null ? null : RunJson.parse(rs.getString(6))));
                }
            }
            return changes;
        }
    }
}
