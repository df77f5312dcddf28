package dev.sluice.transform;

import java.util.Optional;

/**
 * Rewrites a number written the local way ({@code 1.234,56}, {@code 1 234.5}) in plain notation
 * ({@code 1234.56}), strictly: digits are grouped by three from the decimal separator, or not at all, and the
 * other separator is not a decimal point. A number written plainly goes through untouched, without a copy.
 */
final class NumberText {
    private final char separator;
    private final char grouping;
    private final boolean grouped;

    NumberText(char separator, Optional<Character> grouping) {
        this.separator = separator;
        this.grouping = grouping.orElse('\0');
        this.grouped = grouping.isPresent();
    }

    /** Whether every text is already plain: a point, no grouping. */
    boolean plain() {
        return separator == '.' && !grouped;
    }

    String normalise(String text) throws InvalidValueException {
        if (plain()) {
            return text;
        }
        if (separator != '.' && text.indexOf('.') >= 0 && !(grouped && grouping == '.')) {
            throw new InvalidValueException("is not a number written with the decimal separator '" + separator + "'");
        }
        int end = text.length();
        int decimal = text.indexOf(separator);
        int exponent = Math.max(text.indexOf('e'), text.indexOf('E'));
        int integerEnd = decimal >= 0 ? decimal : exponent >= 0 ? exponent : end;
        StringBuilder out = new StringBuilder(end);
        int groupDigits = -1; // digits in the current group; -1 before the first grouping character
        int digitsBefore = 0;
        for (int i = 0; i < integerEnd; i++) {
            char c = text.charAt(i);
            if (grouped && c == grouping) {
                if ((groupDigits == -1 && (digitsBefore == 0 || digitsBefore > 3))
                        || groupDigits == 0
                        || (groupDigits > 0 && groupDigits != 3)) {
                    throw ungrouped();
                }
                groupDigits = 0;
                continue;
            }
            if (c >= '0' && c <= '9') {
                if (groupDigits >= 0) {
                    groupDigits++;
                } else {
                    digitsBefore++;
                }
            }
            out.append(c);
        }
        if (groupDigits >= 0 && groupDigits != 3) {
            throw ungrouped();
        }
        if (decimal >= 0) {
            out.append('.');
            for (int i = decimal + 1; i < end; i++) {
                char c = text.charAt(i);
                if (c == separator || (grouped && c == grouping)) {
                    throw new InvalidValueException("is not a number: a separator after the decimal one");
                }
                out.append(c);
            }
        } else if (exponent >= 0) {
            out.append(text, exponent, end);
        }
        return out.toString();
    }

    private InvalidValueException ungrouped() {
        return new InvalidValueException("has digits grouped other than by three with '" + grouping + "'");
    }
}
