package dev.sluice.config;

import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How a column's raw text is written, resolved from the source's defaults and the column's own options.
 *
 * @param pattern    for dates and timestamps: a {@link java.time.format.DateTimeFormatter} pattern, parsed
 *                   strictly; a pattern without a day ({@code yyyy-MM}, {@code yyyy}) gives the first day of the
 *                   period; empty for ISO 8601
 * @param epoch      for dates and timestamps written as a number of seconds or milliseconds since 1970
 * @param zone       for {@code timestamptz} values written without an offset, and for epoch numbers shown as
 *                   dates; empty when values carry their offset
 * @param trueValues for booleans: the spellings of true, lower-case (values are compared case-insensitively)
 * @param falseValues for booleans: the spellings of false
 * @param nullValues spellings of "no value" besides the empty text, compared after trimming
 * @param decimalSeparator the decimal point of decimal and double values
 * @param grouping   the thousands separator of numbers, if they have one
 */
public record ValueFormat(
        Optional<String> pattern,
        Optional<Epoch> epoch,
        Optional<ZoneId> zone,
        Set<String> trueValues,
        Set<String> falseValues,
        Set<String> nullValues,
        char decimalSeparator,
        Optional<Character> grouping) {

    /** A number of seconds or milliseconds since 1970-01-01T00:00Z. */
    public enum Epoch {
        SECONDS,
        MILLISECONDS
    }

    public static final Set<String> DEFAULT_TRUE = Set.of("true", "t", "yes", "y", "1");
    public static final Set<String> DEFAULT_FALSE = Set.of("false", "f", "no", "n", "0");

    /** ISO dates, true/false/t/f/yes/no/1/0, only the empty text as NULL, a point for decimals, no grouping. */
    public static final ValueFormat DEFAULTS = new ValueFormat(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            DEFAULT_TRUE,
            DEFAULT_FALSE,
            Set.of(),
            '.',
            Optional.empty());

    public ValueFormat {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(grouping, "grouping");
        trueValues = Set.copyOf(trueValues);
        falseValues = Set.copyOf(falseValues);
        nullValues = Set.copyOf(nullValues);
    }
}
