package dev.sluice.transform;

import dev.sluice.ErrorKind;
import dev.sluice.Excerpt;
import dev.sluice.config.ColumnSpec;
import dev.sluice.config.RowFilter;
import dev.sluice.config.SourceSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where, in one file, each column the pipeline uses is, and how to type it. Columns are found by name in the
 * header, not by position: sources reorder, add and drop columns over time, and each file of a source is planned
 * from its own header. Only a name the header leaves empty or repeats is found by its declared position, checked
 * against the header's name there. A file without a header is read by the declared positions. Columns the pipeline does not use
 * are never looked at.
 */
final class ColumnPlan {
    /** The fields every row must have: the header's, or for a file without one, its first row's. */
    final int fieldCount;
    /** Whether a problem names its cell ({@code C17}): a spreadsheet's columns are letters, its lines rows. */
    boolean cellReferences;

    final int[] columnIndex;
    final String[] columnHeader;
    final boolean[] required;
    final ValueParser[] parsers;
    /** Per column, the spellings of "no value" besides the empty text; null when there are none. */
    final Set<String>[] nullValues;

    final int[] filterIndex;
    final RowFilter[] filters;

    @SuppressWarnings({"unchecked", "rawtypes"}) // an array of sets: generic arrays cannot be created otherwise
    private ColumnPlan(SourceSpec source, Map<String, Integer> positions, int fieldCount, boolean header) {
        this.fieldCount = fieldCount;
        List<ColumnSpec> columns = source.columns();
        columnIndex = new int[columns.size()];
        columnHeader = new String[columns.size()];
        required = new boolean[columns.size()];
        parsers = new ValueParser[columns.size()];
        nullValues = new Set[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            ColumnSpec column = columns.get(i);
            columnIndex[i] =
                    column.position().isPresent() ? column.position().getAsInt() - 1 : positions.get(column.header());
            columnHeader[i] = header ? label(column) : column.header();
            required[i] = column.required();
            parsers[i] = ValueParser.of(column);
            nullValues[i] = column.format().nullValues().isEmpty()
                    ? null
                    : column.format().nullValues();
        }
        filters = source.filters().toArray(new RowFilter[0]);
        filterIndex = new int[filters.length];
        for (int i = 0; i < filters.length; i++) {
            filterIndex[i] = positions.get(filters[i].header());
        }
    }

    /**
     * A file's plan from its header: each column by its name, or, when it declares one, at its position (which the
     * header must name as the column says: an empty or repeated name is found so).
     *
     * @param raw the header's fields; with {@code short_header: row_names}, already preceded by an empty name for
     *            each unnamed field of the rows
     * @throws MissingColumnsException naming every used column the header lacks
     * @throws InvalidRowsException    when a used column's name appears twice in the header, or its position names
     *                                 another
     */
    static ColumnPlan fromHeader(SourceSpec source, ProblemLog problems, String file, long line, List<String> raw) {
        List<String> header = raw.stream().map(String::strip).toList();
        Map<String, Integer> positions = new HashMap<>();
        Set<String> duplicated = new LinkedHashSet<>();
        for (int i = 0; i < header.size(); i++) {
            if (positions.putIfAbsent(header.get(i), i) != null) {
                duplicated.add(header.get(i));
            }
        }
        List<String> missing = new ArrayList<>();
        for (ColumnSpec column : source.columns()) {
            if (column.position().isPresent()) {
                int index = column.position().getAsInt() - 1;
                if (index >= header.size() || !header.get(index).equals(column.header())) {
                    throw new InvalidRowsException(
                            ErrorKind.MISSING_COLUMN,
                            List.of(problems.problem(
                                    line,
                                    label(column),
                                    index >= header.size()
                                            ? "is declared at position " + (index + 1) + ", but the header has "
                                                    + header.size() + " fields"
                                            : "is declared at position " + (index + 1) + ", where the header has '"
                                                    + Excerpt.of(header.get(index), 60) + "'")),
                            1);
                }
                continue;
            }
            checkNamed(column.header(), positions, duplicated, problems, line, missing);
        }
        Set<String> filtered = new LinkedHashSet<>();
        source.filters().forEach(f -> filtered.add(f.header()));
        for (String name : filtered) {
            checkNamed(name, positions, duplicated, problems, line, missing);
        }
        if (!missing.isEmpty()) {
            throw new MissingColumnsException(
                    source.name(),
                    file,
                    line,
                    missing,
                    header,
                    delimiterHint(source, header) + renameHint(source, header, missing.size()));
        }
        return new ColumnPlan(source, positions, header.size(), true);
    }

    /**
     * How messages name a column of a file with a header: its name, and for one found by position the position too
     * ({@code #3} alone for an empty name), which is what a user finds in the file.
     */
    static String label(ColumnSpec column) {
        if (column.position().isEmpty()) {
            return column.header();
        }
        String position = "#" + column.position().getAsInt();
        return column.header().isEmpty() ? position : column.header() + " " + position;
    }

    private static void checkNamed(
            String name,
            Map<String, Integer> positions,
            Set<String> duplicated,
            ProblemLog problems,
            long line,
            List<String> missing) {
        if (!positions.containsKey(name)) {
            if (!missing.contains(name)) {
                missing.add(name);
            }
        } else if (duplicated.contains(name)) {
            throw new InvalidRowsException(
                    ErrorKind.MISSING_COLUMN,
                    List.of(problems.problem(
                            line,
                            name,
                            "appears twice in the header; which one to load is ambiguous: declare its position")),
                    1);
        }
    }

    /**
     * When the header has as many names the pipeline does not use as it lacks (a column renamed upstream), names
     * them: loading a renamed column by its place could load another measure, so the run fails and says what to do.
     */
    private static String renameHint(SourceSpec source, List<String> header, int missing) {
        Set<String> used = new HashSet<>();
        source.columns().forEach(c -> used.add(c.header()));
        source.filters().forEach(f -> used.add(f.header()));
        List<String> unused =
                header.stream().filter(h -> !h.isEmpty() && !used.contains(h)).toList();
        if (unused.isEmpty() || unused.size() > Math.max(3, missing)) {
            return "";
        }
        return "; not loaded, and perhaps the same column renamed: "
                + String.join(
                        ", ",
                        unused.stream().map(h -> "'" + Excerpt.of(h, 60) + "'").toList())
                + " (if so, set the column's header: to its new name)";
    }

    /**
     * A plan by the declared positions, for a file without a header, whose first row has {@code fieldCount} fields.
     *
     * @throws InvalidRowsException when a column's position is past the first row's last field
     */
    static ColumnPlan byPosition(SourceSpec source, ProblemLog problems, long line, int fieldCount) {
        Map<String, Integer> positions = new HashMap<>();
        for (ColumnSpec column : source.columns()) {
            int position = column.position().orElseThrow();
            if (position > fieldCount) {
                throw new InvalidRowsException(
                        ErrorKind.MISSING_COLUMN,
                        List.of(problems.problem(
                                line,
                                column.header(),
                                "is declared at position " + position + ", but the first row has " + fieldCount
                                        + " fields")),
                        1);
            }
            positions.put(column.header(), position - 1);
        }
        return new ColumnPlan(source, positions, fieldCount, false);
    }

    /** A header read as one column that contains another separator usually means the delimiter is wrong. */
    private static String delimiterHint(SourceSpec source, List<String> header) {
        if (header.size() != 1) {
            return "";
        }
        char delimiter = source.format().delimiter();
        for (char candidate : new char[] {';', '\t', '|', ','}) {
            if (candidate != delimiter && header.get(0).indexOf(candidate) >= 0) {
                return " (one column: is the delimiter '" + (candidate == '\t' ? "\\t" : String.valueOf(candidate))
                        + "' rather than '" + delimiter + "'?)";
            }
        }
        return "";
    }

    /** How a problem names column {@code i} on {@code line}: its header, and in a spreadsheet its cell. */
    String label(int i, long line) {
        return cellReferences
                ? columnHeader[i] + " (cell " + XlsxRecords.reference(columnIndex[i], line) + ")"
                : columnHeader[i];
    }
}
