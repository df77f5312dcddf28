package dev.sluice.load;

import dev.sluice.config.SqlIdentifier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds keys that appear twice in a staged source, in SQL (a set-based GROUP BY), so that the reading stays in
 * constant memory. Reports the key's value and the lines it is on.
 */
final class DuplicateKeys {
    private static final int SHOWN = 5;

    private DuplicateKeys() {
    }

    static void check(Connection connection, StagedSource staged) throws SQLException {
        List<String> key = staged.source().key();
        String keyText = key.stream().map(k -> SqlIdentifier.quote(k) + "::text").collect(Collectors.joining(" || ', ' || "));
        String sql = "select " + keyText + ", (array_agg(_line order by _line))[1:" + SHOWN + "], count(*) over ()"
                + " from " + staged.table() + " group by " + staged.quotedKey() + " having count(*) > 1"
                + " order by min(_line) limit 1";
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                return;
            }
            String value = rs.getString(1);
            List<Long> lines = new ArrayList<>(List.of((Long[]) rs.getArray(2).getArray()));
            long duplicatedKeys = rs.getLong(3);
            String columns = key.stream().map(staged::header).collect(Collectors.joining(", "));
            String more = duplicatedKeys > 1 ? " (" + (duplicatedKeys - 1) + " more keys are duplicated)" : "";
            throw new DuplicateKeyException(staged.source().name(), lines.get(1), columns, value,
                    staged.source().name() + ": key " + columns + " = " + value + " appears on lines "
                            + lines.stream().map(String::valueOf).collect(Collectors.joining(", ")) + more);
        }
    }
}
