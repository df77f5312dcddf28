package dev.sluice.transform;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Exact decimals into a {@code numeric}: plain notation only, so {@code 1e3} is invalid, and so is {@code 1,5} unless
 * the column declares the decimal comma.
 */
final class DecimalParser implements ValueParser {
    private static final Pattern PLAIN = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");

    private final NumberText notation;
    private final BigDecimal min;
    private final BigDecimal max;

    DecimalParser(NumberText notation, BigDecimal min, BigDecimal max) {
        this.notation = notation;
        this.min = min;
        this.max = max;
    }

    @Override
    public Object parse(String written) throws InvalidValueException {
        String text = notation.normalise(written);
        if (!PLAIN.matcher(text).matches()) {
            throw new InvalidValueException("is not a decimal number");
        }
        BigDecimal value = new BigDecimal(text);
        if (min != null && value.compareTo(min) < 0) {
            throw new InvalidValueException("is below the minimum " + min.toPlainString());
        }
        if (max != null && value.compareTo(max) > 0) {
            throw new InvalidValueException("is above the maximum " + max.toPlainString());
        }
        return value;
    }
}
