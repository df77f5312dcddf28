package dev.sluice.transform;

import dev.sluice.ErrorKind;
import dev.sluice.config.ColumnSpec;
import dev.sluice.config.RowFilter;
import dev.sluice.config.SourceSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where, in one file, each column the pipeline uses is, and how to type it. Columns are found by name in the
 * header, never by position: sources reorder, add and drop columns over time, and each file of a source is planned
 * from its own header. A file without a header is read by the declared positions. Columns the pipeline does not use
 * are never looked at.
 */
final class ColumnPlan {
    /** The fields every row must have: the header's, or for a file without one, its first row's. */
    final int fieldCount;

    final int[] columnIndex;
    final String[] columnHeader;
    final boolean[] required;
    final ValueParser[] parsers;
    /** Per column, the spellings of "no value" besides the empty text; null when there are none. */
    final Set<String>[] nullValues;

    final int[] filterIndex;
    final RowFilter[] filters;

    @SuppressWarnings({"unchecked", "rawtypes"}) // an array of sets: generic arrays cannot be created otherwise
    private ColumnPlan(SourceSpec source, Map<String, Integer> positions, int fieldCount) {
        this.fieldCount = fieldCount;
        List<ColumnSpec> columns = source.columns();
        columnIndex = new int[columns.size()];
        columnHeader = new String[columns.size()];
        required = new boolean[columns.size()];
        parsers = new ValueParser[columns.size()];
        nullValues = new Set[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            ColumnSpec column = columns.get(i);
            columnIndex[i] = positions.get(column.header());
            columnHeader[i] = column.header();
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
     * A file's plan from its header.
     *
     * @throws MissingColumnsException naming every used column the header lacks
     * @throws InvalidRowsException    when a used column's name appears twice in the header
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
        Set<String> used = new LinkedHashSet<>();
        source.columns().forEach(c -> used.add(c.header()));
        source.filters().forEach(f -> used.add(f.header()));
        List<String> missing = new ArrayList<>();
        for (String name : used) {
            if (!positions.containsKey(name)) {
                missing.add(name);
            }
            if (duplicated.contains(name)) {
                throw new InvalidRowsException(
                        ErrorKind.MISSING_COLUMN,
                        List.of(problems.problem(
                                line, name, "appears twice in the header; which one to load is ambiguous")),
                        1);
            }
        }
        if (!missing.isEmpty()) {
            throw new MissingColumnsException(
                    source.name(), file, line, missing, header, delimiterHint(source, header));
        }
        return new ColumnPlan(source, positions, header.size());
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
        return new ColumnPlan(source, positions, fieldCount);
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
}
