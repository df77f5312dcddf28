package dev.sluice.load;

import dev.sluice.config.ColumnType;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetColumn;
import dev.sluice.config.TargetSpec;
import dev.sluice.history.Revisions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * Sums up what a publication rewrote, from the merge's table of changes before it is written: the existing rows
 * changed, their first and last key (by time, when the key has one), and per value column how many values changed
 * and the largest relative change. Reads only the changed rows, in groups of columns that keep each query far below
 * PostgreSQL's 1,664 output columns however wide the table.
 */
final class RevisionSummary {
    private static final int COLUMNS_PER_QUERY = 100;

    private RevisionSummary() {}

    /**
     * @param changes the temporary table of changes: the publication's new or different rows with {@code isNew}
     *                and the old values as a JSON object in {@code old}
     */
    static Optional<Revisions> of(Connection connection, TargetSpec target, String changes, String isNew, String old)
            throws SQLException {
        Optional<TargetColumn> time = target.timeKey();
        String keyText = target.keyColumns().stream()
                .map(c -> SqlIdentifier.quote(c.name()) + "::text")
                .collect(Collectors.joining(" || ', ' || "));
        String order = time.map(t -> SqlIdentifier.quote(t.name())).orElse(keyText);
        String revised = " from " + changes + " where not " + isNew;
        long rows;
        long periods;
        String oldest;
        String newest;
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("select count(*), count(distinct " + order + "), min(" + order
                        + ")::text, max(" + order + ")::text" + revised)) {
            rs.next();
            rows = rs.getLong(1);
            periods = rs.getLong(2);
            oldest = rs.getString(3);
            newest = rs.getString(4);
        }
        if (rows == 0) {
            return Optional.empty();
        }
        List<Revisions.Column> columns = new ArrayList<>();
        List<TargetColumn> values = target.valueColumns();
        for (int from = 0; from < values.size(); from += COLUMNS_PER_QUERY) {
            List<TargetColumn> group = values.subList(from, Math.min(values.size(), from + COLUMNS_PER_QUERY));
            List<String> select = new ArrayList<>();
            for (TargetColumn column : group) {
                String name = SqlIdentifier.quote(column.name());
                String was = old + "->'" + column.name() + "'";
                // The old values hold a missing value as JSON null, which to_jsonb gives as SQL NULL.
                select.add("count(*) filter (where " + was + " is distinct from coalesce(to_jsonb(" + name
                        + "), 'null'::jsonb))");
                if (numeric(column)) {
                    // Signed, relative to the old value; a change from or to nothing, or from zero, has no ratio.
                    String ratio = "((" + name + ")::numeric - (" + old + "->>'" + column.name()
                            + "')::numeric) / abs((" + old + "->>'" + column.name() + "')::numeric)";
                    String when = " filter (where " + name + " is not null and (" + old + "->>'" + column.name()
                            + "')::numeric <> 0)";
                    select.add("(array_agg(" + ratio + " order by abs(" + ratio + ") desc)" + when + ")[1]::float8");
                    select.add("(array_agg(" + keyText + " order by abs(" + ratio + ") desc)" + when + ")[1]");
                } else {
                    select.add("null::float8");
                    select.add("null::text");
                }
            }
            try (Statement st = connection.createStatement();
                    ResultSet rs = st.executeQuery("select " + String.join(", ", select) + revised)) {
                rs.next();
                for (int i = 0; i < group.size(); i++) {
                    long changed = rs.getLong(3 * i + 1);
                    double largest = rs.getDouble(3 * i + 2);
                    boolean hasRatio = !rs.wasNull() && largest != 0;
                    String at = rs.getString(3 * i + 3);
                    if (changed > 0) {
                        columns.add(new Revisions.Column(
                                group.get(i).name(),
                                changed,
                                hasRatio ? OptionalDouble.of(largest) : OptionalDouble.empty(),
                                hasRatio ? Optional.ofNullable(at) : Optional.empty()));
                    }
                }
            }
        }
        String unit =
                time.map(t -> t.type() == ColumnType.DATE ? "dates" : "times").orElse("rows");
        return Optional.of(new Revisions(rows, time.isPresent() ? periods : rows, unit, oldest, newest, columns));
    }

    private static boolean numeric(TargetColumn column) {
        return column.type() == ColumnType.INTEGER
                || column.type() == ColumnType.DECIMAL
                || column.type() == ColumnType.DOUBLE;
    }
}
