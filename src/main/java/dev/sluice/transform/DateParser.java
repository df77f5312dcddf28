package dev.sluice.transform;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;

/**
 * Calendar dates, never shifted through a time zone. Strict: {@code 2020-02-30} is invalid, not March 1st. The
 * ISO pattern takes a hand-written fast path, and the last value is remembered because daily feeds repeat each
 * date on thousands of consecutive rows.
 */
final class DateParser implements ValueParser {
    private static final String ISO = "yyyy-MM-dd";

    private final String pattern;
    private final DateTimeFormatter formatter;
    private String lastText;
    private LocalDate lastValue;

    DateParser(String pattern) {
        this.pattern = pattern;
        // 'y' is year-of-era, which STRICT resolving rejects without an era; 'u' is the proleptic year users mean.
        this.formatter = ISO.equals(pattern)
                ? null
                : DateTimeFormatter.ofPattern(pattern.replace('y', 'u')).withResolverStyle(ResolverStyle.STRICT);
    }

    @Override
    public Object parse(String text) throws InvalidValueException {
        if (text.equals(lastText)) {
            return lastValue;
        }
        LocalDate value = formatter == null ? parseIso(text) : parseWithPattern(text);
        lastText = text;
        lastValue = value;
        return value;
    }

    private LocalDate parseIso(String text) throws InvalidValueException {
        if (text.length() != 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
            throw invalid();
        }
        try {
            return LocalDate.of(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10));
        } catch (DateTimeException e) {
            throw invalid();
        }
    }

    private int digits(String text, int from, int to) throws InvalidValueException {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid();
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private LocalDate parseWithPattern(String text) throws InvalidValueException {
        try {
            return LocalDate.parse(text, formatter);
        } catch (DateTimeParseException e) {
            throw invalid();
        }
    }

    private InvalidValueException invalid() {
        return new InvalidValueException("is not a valid date of the form " + pattern);
    }
}
