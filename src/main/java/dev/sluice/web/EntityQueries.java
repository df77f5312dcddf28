package dev.sluice.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetColumn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The series of a table keyed by a time and more (a country, a maturity): each distinct value of the rest of the
 * key with its latest value of the first charted column and that value's time (the latest time it has a value):
 * the series that have a value at the table's latest time first ({@code current}), largest first, so that the
 * dashboard's picker shows current, prominent series first (a rate last published in 2000 is not "the latest") and
 * finds the others by search.
 */
final class EntityQueries {
    private EntityQueries() {}

    static void fill(Connection c, PipelineSpec spec, String search, int limit, long offset, ObjectNode json)
            throws SQLException {
        List<TargetColumn> keys = spec.seriesKeys();
        ArrayNode keyNames = json.putArray("keys");
        keys.forEach(k -> keyNames.add(k.name()));
        Optional<String> measure =
                SeriesQuery.viewOf(spec).cumulative().stream().findFirst();
        json.put("measure", measure.orElse(null));
        ArrayNode entities = json.putArray("entities");
        if (keys.isEmpty() || !DataApi.targetExists(c, spec)) {
            json.put("total", 0);
            return;
        }
        String keyList = keys.stream().map(k -> SqlIdentifier.quote(k.name())).collect(Collectors.joining(", "));
        String label = keys.stream()
                .map(k -> SqlIdentifier.quote(k.name()) + "::text")
                .collect(Collectors.joining(" || ', ' || "));
        String where = search.isEmpty() ? "" : " where (" + label + ") ilike ? escape '\\'";
        String table = RowSelection.currentRows(spec.target());
        try (PreparedStatement st = c.prepareStatement(
                "select count(*) from (select distinct " + keyList + " from " + table + where + ") e")) {
            bindSearch(st, search);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                json.put("total", rs.getLong(1));
            }
        }
        String time = spec.timeKey().map(t -> SqlIdentifier.quote(t.name())).orElse("null");
        String timeText =
                spec.timeKey().map(t -> SeriesQuery.text("t", t.type())).orElse("null");
        String value = measure.map(SqlIdentifier::quote).orElse("null");
        // Current: the series has a value at the latest time the whole table has one.
        String current = spec.timeKey()
                .map(tk -> "(t = (select max(" + time + ") from " + table + " where " + value + " is not null))")
                .orElse("true");
        String sql = "select "
                + keys.stream()
                        .map(k -> SqlIdentifier.quote(k.name()) + "::text")
                        .collect(Collectors.joining(", ")) + ", v, " + timeText + ", " + current + " as is_current"
                + " from (select distinct on ("
                + keyList + ") "
                + keyList + ", " + value + " as v, " + time + " as t from " + table
                + where + " order by " + keyList + ", (" + value + ") is null, " + time
                // By the output column: the latest time of the table is read once, not again for the order.
                + " desc) e order by is_current desc nulls last, v desc nulls last, " + keyList
                + " limit ? offset ?";
        try (PreparedStatement st = c.prepareStatement(sql)) {
            int next = bindSearch(st, search);
            st.setInt(next, limit);
            st.setLong(next + 1, offset);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    ObjectNode entity = entities.addObject();
                    ObjectNode key = entity.putObject("key");
                    for (int i = 0; i < keys.size(); i++) {
                        key.put(keys.get(i).name(), rs.getString(i + 1));
                    }
                    entity.put("latest", rs.getBigDecimal(keys.size() + 1));
                    entity.put("at", rs.getString(keys.size() + 2));
                    entity.put("current", rs.getBoolean(keys.size() + 3));
                }
            }
        }
    }

    /** The search as a case-insensitive substring, its own % and _ taken literally. */
    private static int bindSearch(PreparedStatement st, String search) throws SQLException {
        if (search.isEmpty()) {
            return 1;
        }
        st.setString(1, "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        return 2;
    }
}
