package dev.sluice.transform;

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
 * Where, in this file's header, each column the pipeline uses is, and how to type it. Columns are found by name,
 * never by position: sources reorder, add and drop columns over time. Columns the pipeline does not use are
 * never looked at.
 */
final class ColumnPlan {
    final int headerFieldCount;
    final int[] columnIndex;
    final String[] columnHeader;
    final boolean[] required;
    final ValueParser[] parsers;
    final int[] filterIndex;
    final RowFilter[] filters;

    private ColumnPlan(SourceSpec source, Map<String, Integer> positions, int headerFieldCount) {
        this.headerFieldCount = headerFieldCount;
        List<ColumnSpec> columns = source.columns();
        columnIndex = new int[columns.size()];
        columnHeader = new String[columns.size()];
        required = new boolean[columns.size()];
        parsers = new ValueParser[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            ColumnSpec column = columns.get(i);
            columnIndex[i] = positions.get(column.header());
            columnHeader[i] = column.header();
            required[i] = column.required();
            parsers[i] = ValueParser.of(column);
        }
        filters = source.filters().toArray(new RowFilter[0]);
        filterIndex = new int[filters.length];
        for (int i = 0; i < filters.length; i++) {
            filterIndex[i] = positions.get(filters[i].header());
        }
    }

    /**
     * @throws MissingColumnsException naming every used column the header lacks
     * @throws InvalidRowsException when a used column's name appears twice in the header
     */
    static ColumnPlan fromHeader(SourceSpec source, List<String> rawHeader) {
        List<String> header = rawHeader.stream().map(String::strip).toList();
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
                        dev.sluice.ErrorKind.MISSING_COLUMN,
                        List.of(new RowProblem(
                                source.name(),
                                1,
                                name,
                                null,
                                "appears twice in the header; which one to load is ambiguous")),
                        1);
            }
        }
        if (!missing.isEmpty()) {
            throw new MissingColumnsException(source.name(), missing, header, delimiterHint(source, header));
        }
        return new ColumnPlan(source, positions, header.size());
    }

    /** A header read as one column that contains another separator usually means the delimiter is wrong. */
    private static String delimiterHint(SourceSpec source, List<String> header) {
        if (header.size() != 1) {
            return "";
        }
        for (char candidate : new char[] {';', '\t', '|', ','}) {
            if (candidate != source.delimiter() && header.get(0).indexOf(candidate) >= 0) {
                return " (one column: is the delimiter '" + (candidate == '\t' ? "\\t" : String.valueOf(candidate))
                        + "' rather than '" + source.delimiter() + "'?)";
            }
        }
        return "";
    }
}
