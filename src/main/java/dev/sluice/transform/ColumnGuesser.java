package dev.sluice.transform;

import dev.sluice.Excerpt;
import dev.sluice.config.ColumnSpec;
import dev.sluice.config.ColumnType;
import dev.sluice.config.DecreasePolicy;
import dev.sluice.config.ValueFormat;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Guesses each column's type from a sample of its values, for {@code sluice init}: the narrowest type whose own
 * parser (the one a run uses) reads every value, so that a guess that passes here loads. Spellings of "no value"
 * ({@code NA}, {@code -}) count as none in a column that is otherwise typed. Numbers written with leading zeros are
 * codes (a FIPS, a postcode) and stay text; so does anything no type reads. A guess that changes what a value means
 * needs evidence that cannot be read otherwise: a decimal comma only in a file not separated by commas where some
 * column's values can only be decimals ({@code 45,06}: no thousands group has two digits), a thousands separator
 * only where a value has two groups or the file is separated by commas (so {@code "2,2,1"}, a list of codes, stays
 * text), a two-digit year only when every date it gives is in the past.
 */
public final class ColumnGuesser {
    /** Spellings of "no value" recognised in a typed column. */
    static final List<String> NULL_SPELLINGS = List.of(
            "NA", "N/A", "n/a", "na", "null", "NULL", "None", "-", "--", "nan", "NaN", "..", ".", "#NULL!", "#N/A");

    private static final Set<String> BOOLEAN_WORDS = Set.of("true", "false", "t", "f", "yes", "no", "y", "n");
    private static final Pattern LEADING_ZERO = Pattern.compile("[+-]?0\\d.*");
    private static final Pattern DECIMAL_COMMA = Pattern.compile("[+-]?\\d+(,\\d+)?");
    private static final Pattern GROUPED = Pattern.compile("[+-]?\\d{1,3}(,\\d{3})*(\\.\\d+)?");
    /** A share of values that parse as numbers past which a text column's reason names the ones that do not. */
    private static final double MOSTLY = 0.9;

    private ColumnGuesser() {}

    /**
     * A column's guess.
     *
     * @param format      how its values are written: a pattern, a decimal comma, the null spellings seen
     * @param required    whether every sampled row has a value (a key must; a measurement need not)
     * @param reason      why, to show the user
     */
    public record Guess(ColumnType type, ValueFormat format, boolean required, String reason) {}

    /**
     * How the file around a column is written, and what day it is: evidence for some guesses.
     *
     * @param decimalCommas whether the file writes decimals with a comma: see {@link #writesDecimalCommas}
     */
    public record Context(char delimiter, boolean decimalCommas, LocalDate today) {}

    /**
     * Whether a file writes its decimals with a comma: it is not separated by commas, and one of its columns holds
     * only numbers of at most one comma, one of which has other than three digits after it (which no thousands
     * group has).
     *
     * @param columns each column's raw values
     */
    public static boolean writesDecimalCommas(char delimiter, List<List<String>> columns) {
        if (delimiter == ',') {
            return false;
        }
        for (List<String> values : columns) {
            boolean numbers = true;
            boolean evidence = false;
            for (String raw : values) {
                String value = raw.strip();
                if (value.isEmpty() || NULL_SPELLINGS.contains(value)) {
                    continue;
                }
                if (!DECIMAL_COMMA.matcher(value).matches()) {
                    numbers = false;
                    break;
                }
                int comma = value.indexOf(',');
                evidence |= comma >= 0 && value.length() - comma - 1 != 3;
            }
            if (numbers && evidence) {
                return true;
            }
        }
        return false;
    }

    /** @param values the column's raw values in the sample, one per data row */
    public static Guess guess(List<String> values, Context context) {
        List<String> present = new ArrayList<>();
        Set<String> nulls = new LinkedHashSet<>();
        int empty = 0;
        for (String raw : values) {
            String text = raw.strip();
            if (text.isEmpty()) {
                empty++;
            } else if (NULL_SPELLINGS.contains(text)) {
                nulls.add(text);
            } else {
                present.add(text);
            }
        }
        boolean required = empty == 0 && nulls.isEmpty();
        if (present.isEmpty() && nulls.isEmpty()) {
            return new Guess(ColumnType.TEXT, ValueFormat.DEFAULTS, false, "text: no value in the sample");
        }
        Optional<Guess> typed = present.isEmpty() ? Optional.empty() : typed(present, required, context);
        if (typed.isEmpty()) {
            // In a text column, 'NA' is a value like any other (it is Namibia's country code).
            return new Guess(ColumnType.TEXT, ValueFormat.DEFAULTS, empty == 0, textReason(present, empty));
        }
        Guess guess = typed.get();
        if (nulls.isEmpty()) {
            return guess;
        }
        ValueFormat f = guess.format();
        return new Guess(
                guess.type(),
                new ValueFormat(
                        f.pattern(),
                        f.epoch(),
                        f.zone(),
                        f.trueValues(),
                        f.falseValues(),
                        nulls,
                        f.decimalSeparator(),
                        f.grouping()),
                false,
                guess.reason() + "; "
                        + String.join(
                                ", ", nulls.stream().map(n -> "'" + n + "'").toList()) + " as no value");
    }

    /** Why a column is text: and when nearly all its values are numbers, which ones are not. */
    private static String textReason(List<String> present, int empty) {
        String base = empty == 0 ? "text" : "text, sometimes empty";
        List<String> notNumbers = new ArrayList<>();
        for (String value : present) {
            if (!parses(ColumnType.DOUBLE, ValueFormat.DEFAULTS, value)) {
                notNumbers.add(value);
            }
        }
        if (!notNumbers.isEmpty() && notNumbers.size() <= present.size() * (1 - MOSTLY)) {
            return String.format(
                    Locale.ROOT,
                    "%s: %,d of %,d values are not numbers (the first: '%s'), so the column stays text",
                    base,
                    notNumbers.size(),
                    present.size(),
                    Excerpt.of(notNumbers.get(0), 40));
        }
        return base;
    }

    private static Optional<Guess> typed(List<String> values, boolean required, Context context) {
        if (values.stream().allMatch(v -> BOOLEAN_WORDS.contains(v.toLowerCase(Locale.ROOT)))) {
            return Optional.of(new Guess(ColumnType.BOOLEAN, ValueFormat.DEFAULTS, required, "boolean"));
        }
        boolean codes = values.stream().anyMatch(v -> LEADING_ZERO.matcher(v).matches() && !v.contains("."));
        if (!codes) {
            for (ColumnType type : List.of(ColumnType.INTEGER, ColumnType.DECIMAL, ColumnType.DOUBLE)) {
                if (allParse(type, ValueFormat.DEFAULTS, values)) {
                    return Optional.of(new Guess(type, ValueFormat.DEFAULTS, required, name(type)));
                }
            }
            Optional<Guess> local = localNumber(values, required, context);
            if (local.isPresent()) {
                return local;
            }
        }
        Optional<Guess> temporal = temporal(ColumnType.DATE, values, required, context);
        if (temporal.isPresent()) {
            return temporal;
        }
        temporal = temporal(ColumnType.TIMESTAMP, values, required, context);
        if (temporal.isPresent()) {
            return temporal;
        }
        if (allParse(ColumnType.TIMESTAMPTZ, ValueFormat.DEFAULTS, values)) {
            return Optional.of(new Guess(
                    ColumnType.TIMESTAMPTZ, ValueFormat.DEFAULTS, required, "timestamptz (ISO 8601 with offsets)"));
        }
        return Optional.empty();
    }

    /**
     * Numbers written with a decimal comma, or grouped by thousands with commas: only on evidence that they cannot
     * be a list of codes or a number of the other notation.
     */
    private static Optional<Guess> localNumber(List<String> values, boolean required, Context context) {
        boolean anyComma = values.stream().anyMatch(v -> v.indexOf(',') >= 0);
        if (!anyComma) {
            return Optional.empty();
        }
        if (context.decimalCommas()
                && values.stream().allMatch(v -> DECIMAL_COMMA.matcher(v).matches())) {
            ValueFormat comma = withNumbers(',', Optional.empty());
            return Optional.of(new Guess(
                    ColumnType.DECIMAL,
                    comma,
                    required,
                    "decimal, with a decimal comma (the file writes decimals so: a column has decimals no thousands"
                            + " group could be)"));
        }
        boolean twoGroups = values.stream().anyMatch(v -> v.indexOf(',') != v.lastIndexOf(','));
        if ((twoGroups || context.delimiter() == ',')
                && values.stream().allMatch(v -> GROUPED.matcher(v).matches())) {
            ValueFormat grouped = withNumbers('.', Optional.of(','));
            ColumnType type =
                    values.stream().anyMatch(v -> v.indexOf('.') >= 0) ? ColumnType.DECIMAL : ColumnType.INTEGER;
            if (allParse(type, grouped, values)) {
                return Optional.of(new Guess(
                        type,
                        grouped,
                        required,
                        name(type) + ", with ',' grouping thousands ("
                                + (twoGroups ? "a value has two groups" : "in a file separated by commas") + ")"));
            }
        }
        return Optional.empty();
    }

    /** ISO first, then each pattern: the first that reads every value, noting a second one that would too. */
    private static Optional<Guess> temporal(ColumnType type, List<String> values, boolean required, Context context) {
        if (allParse(type, ValueFormat.DEFAULTS, values)) {
            return Optional.of(new Guess(type, ValueFormat.DEFAULTS, required, name(type) + " (ISO 8601)"));
        }
        List<String> patterns = DateSpellings.patterns(type);
        for (int i = 0; i < patterns.size(); i++) {
            ValueFormat format = withPattern(patterns.get(i));
            if (allParse(type, format, values) && !inTheFuture(type, format, values, context)) {
                String also = "";
                for (int j = i + 1; j < patterns.size(); j++) {
                    ValueFormat other = withPattern(patterns.get(j));
                    if (allParse(type, other, values) && !inTheFuture(type, other, values, context)) {
                        also = "; every value reads as " + patterns.get(j) + " too: check which one the"
                                + " publisher means";
                        break;
                    }
                }
                return Optional.of(new Guess(type, format, required, name(type) + " (" + patterns.get(i) + ")" + also));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a pattern with a two-digit year reads a value as a future date: {@code Sep-63} is 2063 to
     * {@code java.time}, and means 1963.
     */
    private static boolean inTheFuture(ColumnType type, ValueFormat format, List<String> values, Context context) {
        String pattern = format.pattern().orElse("");
        if (pattern.contains("yyy") || pattern.contains("uuu")) {
            return false;
        }
        ValueParser parser = parser(type, format);
        for (String value : values) {
            try {
                Object parsed = parser.parse(value);
                LocalDate date = parsed instanceof LocalDateTime time ? time.toLocalDate() : (LocalDate) parsed;
                if (date.isAfter(context.today())) {
                    return true;
                }
            } catch (InvalidValueException e) {
                return true;
            }
        }
        return false;
    }

    private static String name(ColumnType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    private static ValueFormat withPattern(String pattern) {
        ValueFormat d = ValueFormat.DEFAULTS;
        return new ValueFormat(
                Optional.of(pattern),
                d.epoch(),
                d.zone(),
                d.trueValues(),
                d.falseValues(),
                d.nullValues(),
                d.decimalSeparator(),
                d.grouping());
    }

    private static ValueFormat withNumbers(char separator, Optional<Character> grouping) {
        ValueFormat d = ValueFormat.DEFAULTS;
        return new ValueFormat(
                d.pattern(), d.epoch(), d.zone(), d.trueValues(), d.falseValues(), d.nullValues(), separator, grouping);
    }

    private static ValueParser parser(ColumnType type, ValueFormat format) {
        return ValueParser.of(new ColumnSpec(
                "c",
                OptionalInt.empty(),
                "c",
                type,
                format,
                ColumnSpec.Presence.REQUIRED,
                null,
                null,
                DecreasePolicy.ALLOW));
    }

    private static boolean parses(ColumnType type, ValueFormat format, String value) {
        try {
            parser(type, format).parse(value);
            return true;
        } catch (InvalidValueException e) {
            return false;
        }
    }

    private static boolean allParse(ColumnType type, ValueFormat format, List<String> values) {
        ValueParser parser = parser(type, format);
        for (String value : values) {
            try {
                parser.parse(value);
            } catch (InvalidValueException e) {
                return false;
            }
        }
        return true;
    }
}
