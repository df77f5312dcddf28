package dev.sluice.init;

import dev.sluice.config.ColumnType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the smallest set of columns whose values identify each sampled row: one column, else two, else three. Only
 * columns with a value on every row can be a key, and not measurements (decimal, double) or booleans. Among keys of
 * the same size, one with a date or time wins (a daily feed is keyed by its day and what it measures), then the one
 * with fewer text columns, then the earlier columns. When none is unique, the best candidate is the one with the
 * fewest repeated rows.
 */
final class KeyFinder {
    private static final int MAX_SIZE = 3;
    private static final int MAX_CANDIDATES = 24;
    /** Keys of three are sought among the first columns only: C(12,3) is 220 sets, C(24,3) would be 2,024. */
    private static final int MAX_CANDIDATES_OF_THREE = 12;
    /** Rows a candidate is tried on; the key found is then checked on every row. */
    private static final int SEARCH_ROWS = 50_000;

    private KeyFinder() {}

    /** A column that may be part of a key. */
    record Candidate(int index, String name, ColumnType type) {}

    /**
     * @param columns   the key's columns, in the file's order
     * @param repeated  rows whose key an earlier row has: 0 for a key
     */
    record Found(List<Candidate> columns, long repeated) {
        boolean unique() {
            return repeated == 0;
        }
    }

    static Found find(List<Candidate> candidates, List<List<String>> rows) {
        List<Candidate> eligible = candidates.stream()
                .filter(c -> c.type() != ColumnType.DECIMAL
                        && c.type() != ColumnType.DOUBLE
                        && c.type() != ColumnType.BOOLEAN)
                .limit(MAX_CANDIDATES)
                .toList();
        List<List<String>> searched = rows.size() > SEARCH_ROWS ? rows.subList(0, SEARCH_ROWS) : rows;
        Found best = null;
        for (int size = 1; size <= Math.min(MAX_SIZE, eligible.size()); size++) {
            List<Candidate> from =
                    size < 3 ? eligible : eligible.subList(0, Math.min(eligible.size(), MAX_CANDIDATES_OF_THREE));
            for (List<Candidate> combination : combinations(from, size)) {
                long limit = best == null ? Long.MAX_VALUE : best.repeated();
                Found found = new Found(combination, repeated(combination, searched, limit));
                if (best == null || better(found, best)) {
                    best = found;
                }
            }
            if (best != null && best.unique() && searched.size() < rows.size()) {
                best = new Found(best.columns(), repeated(best.columns(), rows, Long.MAX_VALUE));
            }
            if (best != null && best.unique()) {
                return best;
            }
        }
        return best == null ? new Found(List.of(), rows.size()) : best;
    }

    private static boolean better(Found found, Found best) {
        if (found.unique() != best.unique()) {
            return found.unique();
        }
        if (!found.unique() && found.repeated() != best.repeated()) {
            return found.repeated() < best.repeated();
        }
        if (found.columns().size() != best.columns().size()) {
            return found.columns().size() < best.columns().size();
        }
        return SCORE.compare(found.columns(), best.columns()) < 0;
    }

    /** A time column first; fewer text columns; earlier columns. */
    private static final Comparator<List<Candidate>> SCORE = Comparator.<List<Candidate>, Boolean>comparing(
                    key -> key.stream().noneMatch(c -> c.type().isTemporal()))
            .thenComparing(
                    key -> key.stream().filter(c -> c.type() == ColumnType.TEXT).count())
            .thenComparing(key -> key.stream().mapToInt(Candidate::index).sum());

    /** Rows whose key an earlier row has; counting stops past {@code limit}, which is then beaten anyway. */
    private static long repeated(List<Candidate> key, List<List<String>> rows, long limit) {
        Set<List<String>> seen = new HashSet<>();
        long repeated = 0;
        for (List<String> row : rows) {
            if (repeated > limit) {
                return repeated;
            }
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
