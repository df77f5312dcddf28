package dev.sluice.transform;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Whole numbers into a {@code bigint}. Accepts a fraction of zeros ({@code 227685.0}: some sources write
 * integers as floats) and nothing else non-integral: no exponent, no {@code 1.5}, and thousands separators only when
 * the column declares its {@code grouping}. Values beyond the {@code bigint} range are invalid, not wrapped.
 */
final class IntegerParser implements ValueParser {
    private final NumberText notation;
    private final long min;
    private final long max;
    private final String minText;
    private final String maxText;

    IntegerParser(NumberText notation, BigDecimal min, BigDecimal max) {
        this.notation = notation;
        this.min = min == null ? Long.MIN_VALUE : clamp(min.setScale(0, RoundingMode.CEILING));
        this.max = max == null ? Long.MAX_VALUE : clamp(max.setScale(0, RoundingMode.FLOOR));
        this.minText = min == null ? null : min.toPlainString();
        this.maxText = max == null ? null : max.toPlainString();
    }

    private static long clamp(BigDecimal bound) {
        if (bound.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            return Long.MAX_VALUE;
        }
        if (bound.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0) {
            return Long.MIN_VALUE;
        }
        return bound.longValueExact();
    }

    @Override
    public Object parse(String text) throws InvalidValueException {
        long value = parseLong(notation.normalise(text));
        if (value < min) {
            throw new InvalidValueException("is below the minimum " + minText);
        }
        if (value > max) {
            throw new InvalidValueException("is above the maximum " + maxText);
        }
        return value;
    }

    static long parseLong(String text) throws InvalidValueException {
        int length = text.length();
        int i = 0;
        boolean negative = false;
        char first = text.charAt(0);
        if (first == '-' || first == '+') {
            negative = first == '-';
            i = 1;
        }
        // Accumulate negatively: the negative range is one larger, so Long.MIN_VALUE parses without overflow.
        long result = 0;
        int digits = 0;
        for (; i < length; i++) {
            char c = text.charAt(i);
            if (c == '.') {
                break;
            }
            if (c < '0' || c > '9') {
                throw new InvalidValueException("is not a whole number");
            }
            int digit = c - '0';
            if (result < (Long.MIN_VALUE + digit) / 10) {
                throw new InvalidValueException("is out of range for a 64-bit integer");
            }
            result = result * 10 - digit;
            digits++;
        }
        if (digits == 0) {
            throw new InvalidValueException("is not a whole number");
        }
        checkZeroFraction(text, i + 1, length);
        if (!negative) {
            if (result == Long.MIN_VALUE) {
                throw new InvalidValueException("is out of range for a 64-bit integer");
            }
            return -result;
        }
        return result;
    }

    private static void checkZeroFraction(String text, int from, int length) throws InvalidValueException {
        for (int i = from; i < length; i++) {
            char c = text.charAt(i);
            if (c != '0') {
                throw new InvalidValueException(
                        c >= '1' && c <= '9'
                                ? "has a fraction; the column holds whole numbers"
                                : "is not a whole number");
            }
        }
    }
}
