package dev.sluice.transform;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/** Exact decimals into a {@code numeric}: plain notation only, so {@code 1e3} or {@code 1,5} are invalid. */
final class DecimalParser implements ValueParser {
    private static final Pattern PLAIN = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");

    private final BigDecimal min;
    private final BigDecimal max;

    DecimalParser(BigDecimal min, BigDecimal max) {
        this.min = min;
        this.max = max;
    }

    @Override
    public Object parse(String text) throws InvalidValueException {
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
