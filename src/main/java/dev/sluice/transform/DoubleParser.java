package dev.sluice.transform;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Measurements into a {@code double precision}: decimal notation with an optional exponent ({@code 1.5e-3}).
 * {@code NaN}, {@code Infinity}, hexadecimal and Java's {@code 1d} suffix are invalid, and so is a value too large for a
 * double, which Java would read as infinity.
 */
final class DoubleParser implements ValueParser {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private final NumberText notation;
    private final BigDecimal min;
    private final BigDecimal max;
    private final double minValue;
    private final double maxValue;

    DoubleParser(NumberText notation, BigDecimal min, BigDecimal max) {
        this.notation = notation;
        this.min = min;
        this.max = max;
        this.minValue = min == null ? Double.NEGATIVE_INFINITY : min.doubleValue();
        this.maxValue = max == null ? Double.POSITIVE_INFINITY : max.doubleValue();
    }

    @Override
    public Object parse(String text) throws InvalidValueException {
        String plain = notation.normalise(text);
        if (!DECIMAL.matcher(plain).matches()) {
            throw new InvalidValueException("is not a number");
        }
        double value = Double.parseDouble(plain);
        if (Double.isInfinite(value)) {
            throw new InvalidValueException("is out of range for double precision");
        }
        if (value < minValue) {
            throw new InvalidValueException("is below the minimum " + min.toPlainString());
        }
        if (value > maxValue) {
            throw new InvalidValueException("is above the maximum " + max.toPlainString());
        }
        return value == 0 ? 0.0 : value; // -0.0 and 0.0 are one value to a reader; PostgreSQL keeps the sign
    }
}
