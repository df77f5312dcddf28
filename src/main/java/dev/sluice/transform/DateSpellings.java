package dev.sluice.transform;

import dev.sluice.config.ColumnType;
import dev.sluice.config.TemporalFormats;
import java.time.DateTimeException;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * The ways publishers write dates and timestamps besides ISO 8601, as {@code java.time} patterns: what
 * {@code sluice init} tries on a column, and what a run names when a column's values stop matching its pattern (a
 * publisher that wrote {@code 2012/01/01} yesterday and {@code 2012.01.01} today).
 */
final class DateSpellings {
    static final List<String> DATE_PATTERNS = List.of(
            "dd/MM/yyyy",
            "MM/dd/yyyy",
            "yyyy/MM/dd",
            "dd.MM.yyyy",
            "yyyy.MM.dd",
            "dd-MM-yyyy",
            "d/M/yyyy",
            "M/d/yyyy",
            "M/d/yy",
            "d/M/yy",
            "dd MMM yyyy",
            "d MMM yyyy",
            "MMM d, yyyy",
            "MMM-yy",
            "yyyyMMdd",
            "MMddyyyy",
            "yyyy-MM",
            "yyyy");
    static final List<String> TIMESTAMP_PATTERNS = List.of(
            "dd/MM/yyyy HH:mm:ss",
            "MM/dd/yyyy HH:mm:ss",
            "dd/MM/yyyy HH:mm",
            "MM/dd/yyyy HH:mm",
            "M/d/yy HH:mm",
            "M/d/yyyy HH:mm",
            "yyyy/MM/dd HH:mm:ss",
            "dd.MM.yyyy HH:mm:ss",
            "dd.MM.yyyy HH:mm",
            "HH:mm:ss  d MMM yyyy");

    private DateSpellings() {}

    /** The patterns tried for a column of this type, in order. */
    static List<String> patterns(ColumnType type) {
        return type == ColumnType.DATE ? DATE_PATTERNS : TIMESTAMP_PATTERNS;
    }

    /** The first pattern that reads {@code text} as a value of {@code type}, if one does. */
    static Optional<String> patternOf(ColumnType type, String text) {
        for (String pattern : patterns(type)) {
            DateTimeFormatter formatter = TemporalFormats.formatter(type, pattern);
            try {
                formatter.parse(text);
                return Optional.of(pattern);
            } catch (DateTimeException e) {
                // the next one
            }
        }
        return Optional.empty();
    }

    /**
     * A value that neither the column's pattern nor ISO 8601 reads: what its spelling now looks like, when one of
     * the known patterns reads it.
     */
    static String hint(ColumnType type, String text) {
        return patternOf(type, text)
                .map(p -> "; it is written like " + p + ": if the publisher changed how it writes "
                        + (type == ColumnType.DATE ? "dates" : "times") + ", declare pattern: " + p)
                .orElse("");
    }
}
