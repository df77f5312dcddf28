package dev.sluice.history;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a publication rewrote of the rows the table had: how many, which keys first and last, and per column how many
 * values changed and the largest relative change (numeric columns).
 *
 * @param rows    existing rows whose values changed (a history table: versions closed for a change)
 * @param periods distinct values of the time key among them, when the key has one; else the rows
 * @param unit    what a period is, in the plural: {@code dates}, {@code times} or {@code rows}
 * @param oldest  the first revised key (its time, when the key has one)
 * @param newest  the last
 * @param columns each value column that changed somewhere
 */
public record Revisions(long rows, long periods, String unit, String oldest, String newest, List<Column> columns) {
    /**
     * @param changed  rows whose value in this column changed
     * @param largest  the largest relative change, signed ({@code 0.021}: +2.1%); empty for a column not numeric or
     *                 changed only from or to nothing or zero
     * @param largestAt the key of the row that changed most
     */
    public record Column(String column, long changed, OptionalDouble largest, Optional<String> largestAt) {}

    public Revisions {
        columns = List.copyOf(columns);
    }

    /**
     * {@code 30 past dates revised (2020-03-14 to 2020-04-12), largest change +2.1% in deaths at 2020-03-20}: the
     * line a notification carries.
     */
    public String describe() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%,d past %s revised", periods, unit));
        text.append(oldest.equals(newest) ? " (" + oldest + ")" : " (" + oldest + " to " + newest + ")");
        columns.stream()
                .filter(c -> c.largest().isPresent())
                .max((a, b) -> Double.compare(
                        Math.abs(a.largest().getAsDouble()),
                        Math.abs(b.largest().getAsDouble())))
                .ifPresent(c -> text.append(", largest change ")
                        .append(percent(c.largest().getAsDouble()))
                        .append(" in ")
                        .append(c.column())
                        .append(c.largestAt().map(at -> " at " + at).orElse("")));
        return text.toString();
    }

    /** {@code +2.1%}; a change under a tenth of a percent with the digits that show it ({@code +0.031%}). */
    static String percent(double ratio) {
        double percent = ratio * 100;
        return Math.abs(percent) >= 0.1
                ? String.format(Locale.ROOT, "%+.1f%%", percent)
                : String.format(Locale.ROOT, "%+.2g%%", percent);
    }
}
