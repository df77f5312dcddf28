package dev.sluice.load;

import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetColumn;
import dev.sluice.history.ChangeLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** How the load plans write a run's rows of {@link ChangeLog}: columns as JSON, and the insert from a query. */
final class ChangeLogRows {
    private ChangeLogRows() {}

    /** Pairs per {@code jsonb_build_object}: a function takes at most 100 arguments (PostgreSQL's FUNC_MAX_ARGS). */
    static final int PAIRS_PER_CALL = 50;

    /**
     * {@code jsonb_build_object('name', expression, ...)} over columns, in order: for a table of more than 50 value
     * columns, several such objects concatenated with {@code ||}, parenthesised.
     */
    static String json(List<TargetColumn> columns, IntFunction<String> expression) {
        List<String> objects = new ArrayList<>();
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            // Column names passed SqlIdentifier validation: safe inside a string literal.
            pairs.add("'" + columns.get(i).name() + "', " + expression.apply(i));
            if (pairs.size() == PAIRS_PER_CALL) {
                objects.add("jsonb_build_object(" + String.join(", ", pairs) + ")");
                pairs.clear();
            }
        }
        if (!pairs.isEmpty() || objects.isEmpty()) {
            objects.add("jsonb_build_object(" + String.join(", ", pairs) + ")");
        }
        return objects.size() == 1 ? objects.get(0) : "(" + String.join(" || ", objects) + ")";
    }

    /** The same over the columns' own values. */
    static String json(List<TargetColumn> columns) {
        return json(columns, i -> SqlIdentifier.quote(columns.get(i).name()));
    }

    /**
     * Inserts a run's change log from {@code select} (see {@link ChangeLog#insertFrom}), whose one parameter is the
     * limit; returns the rows logged.
     */
    static long insert(Connection connection, long runId, String pipeline, int limit, String select)
            throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(ChangeLog.insertFrom(select))) {
            st.setLong(1, runId);
            st.setString(2, pipeline);
            st.setInt(3, limit);
            return st.executeUpdate();
        }
    }
}
