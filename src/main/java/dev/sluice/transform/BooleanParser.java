package dev.sluice.transform;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Booleans by their declared spellings, compared case-insensitively. Anything else is invalid: a value that is
 * neither true nor false is never read as false.
 */
final class BooleanParser implements ValueParser {
    private final Set<String> trueValues;
    private final Set<String> falseValues;
    private final String expected;

    BooleanParser(Set<String> trueValues, Set<String> falseValues) {
        this.trueValues = trueValues;
        this.falseValues = falseValues;
        this.expected = "is not a boolean (true: " + String.join(", ", new TreeSet<>(trueValues)) + "; false: "
                + String.join(", ", new TreeSet<>(falseValues)) + ")";
    }

    @Override
    public Object parse(String text) throws InvalidValueException {
        String spelled = text.toLowerCase(Locale.ROOT);
        if (trueValues.contains(spelled)) {
            return Boolean.TRUE;
        }
        if (falseValues.contains(spelled)) {
            return Boolean.FALSE;
        }
        throw new InvalidValueException(expected);
    }
}
