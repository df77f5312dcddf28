package dev.sluice.init;

import dev.sluice.config.ColumnType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the smallest set of columns whose values identify each sampled row: one column, else two, else three. Only
 * columns with a value on every row can be a key, and not measurements (decimal, double), booleans or long text (a
 * key of free text is no key, and PostgreSQL's index refuses values of more than about 2,700 bytes). Among keys of
 * the same size, the one of the earlier columns wins (files lead with what identifies a row: an id, a date and what
 * it measures), then one with a date or time, then the one with fewer text columns. A date unique in a sample is
 * weak evidence where an id column leads the file: the next day repeats the date.
 *
 * <p>Each column's values are numbered once (the same text, the same number), so a combination is checked by sorting
 * one {@code long} per row: 50,000 rows and 220 combinations of three take well under a second, where sets of
 * string lists took minutes on files of many columns with few values each. Combinations whose columns have fewer
 * distinct values together than there are rows are skipped unread, and the search stops at its time budget.
 */
final class KeyFinder {
    private static final int MAX_SIZE = 3;
    private static final int MAX_CANDIDATES = 24;
    /** Keys of three are sought among the first columns only: C(12,3) is 220 sets, C(24,3) would be 2,024. */
    private static final int MAX_CANDIDATES_OF_THREE = 12;
    /** Rows a candidate is tried on; the key found is then checked on every row. */
    private static final int SEARCH_ROWS = 50_000;
    /** The longest value a key column may have. */
    static final int MAX_KEY_CHARS = 200;

    private KeyFinder() {}

    /** A column that may be part of a key. */
    record Candidate(int index, String name, ColumnType type) {}

    /**
     * What the search found.
     *
     * @param columns   the key's columns, in the file's order; empty when no combination is unique
     * @param closest   when none is, the combination with the fewest repeated rows, and how many repeat
     * @param timedOut  whether the search stopped at its budget before trying every combination
     */
    record Found(List<Candidate> columns, Optional<Closest> closest, boolean timedOut) {
        boolean unique() {
            return !columns.isEmpty();
        }
    }

    /** The combination that came closest to a key. */
    record Closest(List<Candidate> columns, long repeated) {}

    /** Whether a column can be part of a key, whatever the others are. */
    static boolean eligible(ColumnType type, List<String> values) {
        if (type == ColumnType.DECIMAL || type == ColumnType.DOUBLE || type == ColumnType.BOOLEAN) {
            return false;
        }
        for (String value : values) {
            if (value.strip().isEmpty() || value.length() > MAX_KEY_CHARS) {
                return false;
            }
        }
        return true;
    }

    static Found find(List<Candidate> candidates, List<List<String>> rows, Clock clock, Duration budget) {
        Instant deadline = clock.instant().plus(budget);
        List<Candidate> eligible = candidates.stream().limit(MAX_CANDIDATES).toList();
        int searched = Math.min(rows.size(), SEARCH_ROWS);
        Map<Integer, int[]> codes = new HashMap<>();
        Map<Integer, Integer> cardinality = new HashMap<>();
        for (Candidate c : eligible) {
            int[] numbered = number(rows, c.index(), searched);
            codes.put(c.index(), numbered);
            cardinality.put(c.index(), Arrays.stream(numbered).max().orElse(-1) + 1);
        }
        Closest closest = null;
        boolean timedOut = false;
        for (int size = 1; size <= Math.min(MAX_SIZE, eligible.size()); size++) {
            List<Candidate> from =
                    size < 3 ? eligible : eligible.subList(0, Math.min(eligible.size(), MAX_CANDIDATES_OF_THREE));
            List<Candidate> best = null;
            for (List<Candidate> combination : combinations(from, size)) {
                if (clock.instant().isAfter(deadline)) {
                    timedOut = true;
                    break;
                }
                double together = 1;
                for (Candidate c : combination) {
                    together *= cardinality.get(c.index());
                }
                if (together < searched && closest != null) {
                    continue; // fewer distinct combinations than rows: cannot be unique
                }
                long repeated = repeated(combination, codes, cardinality, searched);
                if (repeated == 0) {
                    if (best == null || SCORE.compare(combination, best) < 0) {
                        best = combination;
                    }
                } else if (closest == null || repeated < closest.repeated()) {
                    closest = new Closest(combination, repeated);
                }
            }
            if (best != null && searched < rows.size()) {
                long all = repeatedText(best, rows);
                if (all > 0) {
                    closest = new Closest(best, all);
                    best = null;
                }
            }
            if (best != null) {
                return new Found(best, Optional.empty(), timedOut);
            }
            if (timedOut) {
                break;
            }
        }
        return new Found(List.of(), Optional.ofNullable(closest), timedOut);
    }

    /** The column's values numbered by first appearance: equal texts, equal numbers. */
    private static int[] number(List<List<String>> rows, int column, int count) {
        Map<String, Integer> seen = new HashMap<>();
        int[] codes = new int[count];
        for (int r = 0; r < count; r++) {
            List<String> row = rows.get(r);
            String value = column < row.size() ? row.get(column).strip() : "";
            codes[r] = seen.computeIfAbsent(value, v -> seen.size());
        }
        return codes;
    }

    /** Rows whose combination of values an earlier row has, among the first {@code count}. */
    private static long repeated(
            List<Candidate> key, Map<Integer, int[]> codes, Map<Integer, Integer> cardinality, int count) {
        long[] combined = new long[count];
        for (int r = 0; r < count; r++) {
            long value = 0;
            for (Candidate c : key) {
                value = value * cardinality.get(c.index()) + codes.get(c.index())[r];
            }
            combined[r] = value;
        }
        Arrays.sort(combined);
        long repeated = 0;
        for (int r = 1; r < count; r++) {
            if (combined[r] == combined[r - 1]) {
                repeated++;
            }
        }
        return repeated;
    }

    /** The same over every row, on the text: a key found on the first rows, checked on all. */
    private static long repeatedText(List<Candidate> key, List<List<String>> rows) {
        java.util.Set<List<String>> seen = new java.util.HashSet<>();
        long repeated = 0;
        for (List<String> row : rows) {
            List<String> values = new ArrayList<>(key.size());
            for (Candidate column : key) {
                values.add(column.index() < row.size() ? row.get(column.index()).strip() : "");
            }
            if (!seen.add(values)) {
                repeated++;
            }
        }
        return repeated;
    }

    /** Earlier columns; a time column; fewer text columns. */
    private static final Comparator<List<Candidate>> SCORE = Comparator.<List<Candidate>>comparingInt(
                    key -> key.stream().mapToInt(Candidate::index).sum())
            .thenComparing(key -> key.stream().noneMatch(c -> c.type().isTemporal()))
            .thenComparing(
                    key -> key.stream().filter(c -> c.type() == ColumnType.TEXT).count());

    private static List<List<Candidate>> combinations(List<Candidate> from, int size) {
        List<List<Candidate>> all = new ArrayList<>();
        combine(from, size, 0, new ArrayList<>(), all);
        return all;
    }

    private static void combine(
            List<Candidate> from, int size, int start, List<Candidate> current, List<List<Candidate>> all) {
        if (current.size() == size) {
            all.add(List.copyOf(current));
            return;
        }
        for (int i = start; i < from.size(); i++) {
            current.add(from.get(i));
            combine(from, size, i + 1, current, all);
            current.remove(current.size() - 1);
        }
    }
}
