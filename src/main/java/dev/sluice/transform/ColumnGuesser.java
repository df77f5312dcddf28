package dev.sluice.transform;

import dev.sluice.config.ColumnSpec;
import dev.sluice.config.ColumnType;
import dev.sluice.config.DecreasePolicy;
import dev.sluice.config.ValueFormat;
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
 * codes (a FIPS, a postcode) and stay text; so does anything no type reads.
 */
public final class ColumnGuesser {
    /** Spellings of "no value" recognised in a typed column. */
    static final List<String> NULL_SPELLINGS =
            List.of("NA", "N/A", "n/a", "na", "null", "NULL", "None", "-", "--", "nan", "NaN", "..", ".");

    private static final Set<String> BOOLEAN_WORDS = Set.of("true", "false", "t", "f", "yes", "no", "y", "n");
    private static final Pattern LEADING_ZERO = Pattern.compile("[+-]?0\\d.*");
    private static final Pattern DECIMAL_COMMA = Pattern.compile("[+-]?\\d+(,\\d+)?");

    private static final List<String> DATE_PATTERNS = List.of(
            "dd/MM/yyyy",
            "MM/dd/yyyy",
            "yyyy/MM/dd",
            "dd.MM.yyyy",
            "dd-MM-yyyy",
            "d/M/yyyy",
            "M/d/yyyy",
            "dd MMM yyyy",
            "d MMM yyyy",
            "MMM d, yyyy",
            "yyyy-MM");
    private static final List<String> TIMESTAMP_PATTERNS = List.of(
            "dd/MM/yyyy HH:mm:ss",
            "MM/dd/yyyy HH:mm:ss",
            "dd/MM/yyyy HH:mm",
            "MM/dd/yyyy HH:mm",
            "yyyy/MM/dd HH:mm:ss",
            "dd.MM.yyyy HH:mm:ss",
            "dd.MM.yyyy HH:mm");

    private ColumnGuesser() {}

    /**
     * A column's guess.
     *
     * @param format      how its values are written: a pattern, a decimal comma, the null spellings seen
     * @param required    whether every sampled row has a value
     * @param reason      why, to show the user
     */
    public record Guess(ColumnType type, ValueFormat format, boolean required, String reason) {}

    /** @param values the column's raw values in the sample, one per data row */
    public static Guess guess(List<String> values) {
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
        Optional<Guess> typed = present.isEmpty() ? Optional.empty() : typed(present, required);
        if (typed.isEmpty()) {
            // In a text column, 'NA' is a value like any other (it is Namibia's country code).
            return new Guess(
                    ColumnType.TEXT, ValueFormat.DEFAULTS, empty == 0, empty == 0 ? "text" : "text, sometimes empty");
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

    private static Optional<Guess> typed(List<String> values, boolean required) {
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
            if (values.stream().allMatch(v -> DECIMAL_COMMA.matcher(v).matches())
                    && values.stream().anyMatch(v -> v.indexOf(',') >= 0)) {
                ValueFormat comma = withSeparator(',');
                return Optional.of(new Guess(ColumnType.DECIMAL, comma, required, "decimal, with a decimal comma"));
            }
        }
        Optional<Guess> temporal = temporal(ColumnType.DATE, DATE_PATTERNS, values, required);
        if (temporal.isPresent()) {
            return temporal;
        }
        temporal = temporal(ColumnType.TIMESTAMP, TIMESTAMP_PATTERNS, values, required);
        if (temporal.isPresent()) {
            return temporal;
        }
        if (allParse(ColumnType.TIMESTAMPTZ, ValueFormat.DEFAULTS, values)) {
            return Optional.of(new Guess(
                    ColumnType.TIMESTAMPTZ, ValueFormat.DEFAULTS, required, "timestamptz (ISO 8601 with offsets)"));
        }
        return Optional.empty();
    }

    /** ISO first, then each pattern: the first that reads every value, noting a second one that would too. */
    private static Optional<Guess> temporal(
            ColumnType type, List<String> patterns, List<String> values, boolean required) {
        if (allParse(type, ValueFormat.DEFAULTS, values)) {
            return Optional.of(new Guess(type, ValueFormat.DEFAULTS, required, name(type) + " (ISO 8601)"));
        }
        for (int i = 0; i < patterns.size(); i++) {
            ValueFormat format = withPattern(patterns.get(i));
            if (allParse(type, format, values)) {
                String also = "";
                for (int j = i + 1; j < patterns.size(); j++) {
                    if (allParse(type, withPattern(patterns.get(j)), values)) {
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

    private static ValueFormat withSeparator(char separator) {
        ValueFormat d = ValueFormat.DEFAULTS;
        return new ValueFormat(
                d.pattern(),
                d.epoch(),
                d.zone(),
                d.trueValues(),
                d.falseValues(),
                d.nullValues(),
                separator,
                d.grouping());
    }

    private static boolean allParse(ColumnType type, ValueFormat format, List<String> values) {
        ValueParser parser = ValueParser.of(new ColumnSpec(
                "c",
                OptionalInt.empty(),
                "c",
                type,
                format,
                ColumnSpec.Presence.REQUIRED,
                null,
                null,
                DecreasePolicy.ALLOW));
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
