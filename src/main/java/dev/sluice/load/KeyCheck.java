package dev.sluice.load;

import dev.sluice.Excerpt;
import dev.sluice.config.ColumnSpec;
import dev.sluice.config.DuplicateKeyPolicy;
import dev.sluice.config.SourceSpec;
import dev.sluice.config.SqlIdentifier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one place keys are checked: a key may appear on one row of a source only. Rows are checked while they stream
 * in, in bounded memory, when the file is grouped by its first key column (daily feeds are: NYT's is sorted by
 * date), so a duplicate can only be within the current group and only the group's keys are held. When the first key
 * column goes backwards (the file is not grouped) or a group grows past {@link #MAX_GROUP}, the streaming check gives
 * up and {@link #inStaging} checks the staged rows in SQL instead (a GROUP BY, which the streaming check saves:
 * 0.8 s per million rows, measured). Either way the error is a {@link DuplicateKeyException} with both lines.
 *
 * <p>A source whose {@code duplicate_keys} keeps the first or last row of a key is not checked while it streams:
 * {@link #inStaging} leaves out the other rows of each key in SQL, counts them, and says so.
 */
final class KeyCheck {
    static final int MAX_GROUP = 1_000_000;
    private static final int LINES_SHOWN = 5;

    private final SourceSpec source;
    private final RowPositions positions;
    private final int[] keyIndexes;
    private final String keyHeaders;
    private final Map<Object, Long> group = new HashMap<>();
    private Comparable<Object> groupValue;
    private boolean complete = true;

    KeyCheck(SourceSpec source, RowPositions positions) {
        this.source = source;
        this.positions = positions;
        this.complete = source.duplicates() == DuplicateKeyPolicy.FAIL;
        List<ColumnSpec> columns = source.columns();
        keyIndexes = source.key().stream().mapToInt(k -> indexOf(columns, k)).toArray();
        keyHeaders = source.key().stream()
                .map(k -> columns.get(indexOf(columns, k)).header())
                .collect(Collectors.joining(", "));
    }

    private static int indexOf(List<ColumnSpec> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no key column " + name);
    }

    /** Where the checked rows are: their files and lines. */
    RowPositions positions() {
        return positions;
    }

    /** Whether every row has been checked while streaming: false when the file was not grouped, so SQL must check. */
    boolean complete() {
        return complete;
    }

    /** Checks one row at a {@link RowPositions packed position}; {@code values} follow the source's columns. */
    @SuppressWarnings("unchecked")
    void accept(long position, Object[] values) {
        if (!complete || keyIndexes.length == 0) {
            return; // gave up (SQL checks), or no key at all: an append table's rows need none
        }
        Comparable<Object> first = (Comparable<Object>) values[keyIndexes[0]];
        if (groupValue == null || first.compareTo(groupValue) > 0) {
            group.clear();
            groupValue = first;
        } else if (first.compareTo(groupValue) < 0) {
            giveUp();
            return;
        }
        Long previous = group.putIfAbsent(rest(values), position);
        if (previous != null) {
            throw new DuplicateKeyException(
                    source.name(),
                    keyHeaders,
                    keyText(values),
                    List.of(positions.place(previous), positions.place(position)),
                    0);
        }
        if (group.size() > MAX_GROUP) {
            giveUp();
        }
    }

    private Object rest(Object[] values) {
        if (keyIndexes.length == 1) {
            return Boolean.TRUE;
        }
        if (keyIndexes.length == 2) {
            return values[keyIndexes[1]];
        }
        List<Object> rest = new ArrayList<>(keyIndexes.length - 1);
        for (int i = 1; i < keyIndexes.length; i++) {
            rest.add(values[keyIndexes[i]]);
        }
        return rest;
    }

    private String keyText(Object[] values) {
        List<String> text = new ArrayList<>();
        for (int index : keyIndexes) {
            text.add(String.valueOf(values[index]));
        }
        return String.join(", ", text);
    }

    private void giveUp() {
        complete = false;
        group.clear();
        groupValue = null;
    }

    /**
     * Finds a key that appears twice in a staged source, in SQL (set-based, so reading stays in constant memory), and
     * fails; or, when the source keeps one row of each key, deletes the others from staging.
     *
     * @return the rows left out, and what the run should say of them
     */
    Kept inStaging(Connection connection, StagedSource staged) throws SQLException {
        if (keyIndexes.length == 0) {
            return Kept.NONE;
        }
        if (source.duplicates() != DuplicateKeyPolicy.FAIL) {
            return keepOne(connection, staged);
        }
        String keyText = source.key().stream()
                .map(k -> SqlIdentifier.quote(k) + "::text")
                .collect(Collectors.joining(" || ', ' || "));
        String sql = "select " + keyText + ", (array_agg(_line order by _line))[1:" + LINES_SHOWN + "],"
                + " count(*) over () from " + staged.table() + " group by " + staged.quotedKey()
                + " having count(*) > 1 order by min(_line) limit 1";
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            if (rs.next()) {
                throw new DuplicateKeyException(
                        source.name(),
                        keyHeaders,
                        rs.getString(1),
                        Arrays.stream((Long[]) rs.getArray(2).getArray())
                                .map(positions::place)
                                .toList(),
                        rs.getLong(3) - 1);
            }
        }
        return Kept.NONE;
    }

    /**
     * What a source that keeps one row of each key left out.
     *
     * @param rows    the rows left out
     * @param warning what the run says of them, when there were any
     */
    record Kept(long rows, java.util.Optional<String> warning) {
        static final Kept NONE = new Kept(0, java.util.Optional.empty());
    }

    /** Deletes from staging every row of a key but its first or last (by file, then line). */
    private Kept keepOne(Connection connection, StagedSource staged) throws SQLException {
        boolean last = source.duplicates() == DuplicateKeyPolicy.KEEP_LAST;
        String keyText = source.key().stream()
                .map(k -> SqlIdentifier.quote(k) + "::text")
                .collect(Collectors.joining(" || ', ' || "));
        String example = null;
        List<RowPositions.Place> places = List.of();
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("select " + keyText + ", (array_agg(_line order by _line))[1:"
                        + LINES_SHOWN + "] from " + staged.table() + " group by " + staged.quotedKey()
                        + " having count(*) > 1 order by min(_line) limit 1")) {
            if (rs.next()) {
                example = rs.getString(1);
                places = Arrays.stream((Long[]) rs.getArray(2).getArray())
                        .map(positions::place)
                        .toList();
            }
        }
        if (example == null) {
            return Kept.NONE;
        }
        long left;
        try (Statement st = connection.createStatement()) {
            left = st.executeUpdate("delete from " + staged.table() + " s using (select _line, row_number() over"
                    + " (partition by " + staged.quotedKey() + " order by _line " + (last ? "desc" : "asc")
                    + ") as n from " + staged.table() + ") d where d.n > 1 and s._line = d._line");
        }
        String policy = last ? "keep_last" : "keep_first";
        return new Kept(
                left,
                java.util.Optional.of(String.format(
                        java.util.Locale.ROOT,
                        "%s: %,d rows repeated the key of another row and were left out (duplicate_keys: %s); the"
                                + " first: %s = %s on %s",
                        source.name(),
                        left,
                        policy,
                        keyHeaders,
                        Excerpt.of(example, 200),
                        RowPositions.describe(places))));
    }

    /** A duplicate PostgreSQL found whose lines could not be located: its message names the key. */
    DuplicateKeyException unlocated(String detail) {
        return new DuplicateKeyException(source.name(), keyHeaders, detail, List.of(), 0);
    }
}
