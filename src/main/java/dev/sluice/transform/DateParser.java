package dev.sluice.transform;

import dev.sluice.config.ColumnType;
import dev.sluice.config.TemporalFormats;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Calendar dates, never shifted through a time zone. Strict: {@code 2020-02-30} is invalid, not March 1st. A pattern
 * without a day reads the first day of its period ({@code yyyy-MM}: {@code 1833-01} is 1833-01-01). ISO dates take a
 * hand-written fast path, and the last value is remembered because daily feeds repeat each date on thousands of
 * consecutive rows. A column with a pattern reads ISO 8601 too: it is never ambiguous, and publishers move to it.
 */
final class DateParser implements ValueParser {
    /** The range of PostgreSQL's {@code date}: 4713 BC to 5874897 AD. */
    static final int MIN_YEAR = -4712;

    static final int MAX_YEAR = 5_874_896;

    /** Failures told what their spelling looks like: finding it tries every known pattern. */
    private static final int HINTED = 100;

    private final String shownPattern;
    private final DateTimeFormatter formatter;
    private int hinted;
    private String lastText;
    private LocalDate lastValue;

    /** @param pattern a {@link TemporalFormats} pattern; empty for ISO 8601 ({@code 2021-03-01}) */
    DateParser(Optional<String> pattern) {
        this.shownPattern = pattern.orElse("yyyy-MM-dd");
        this.formatter =
                pattern.map(p -> TemporalFormats.formatter(ColumnType.DATE, p)).orElse(null);
    }

    @Override
    public Object parse(String text) throws InvalidValueException {
        if (text.equals(lastText)) {
            return lastValue;
        }
        LocalDate value = formatter == null ? parseIso(text) : parseWithPattern(text);
        if (value.getYear() < MIN_YEAR || value.getYear() > MAX_YEAR) {
            throw new InvalidValueException("is outside the dates PostgreSQL stores (4713 BC to 5874897 AD)");
        }
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
            return LocalDate.from(formatter.parse(text));
        } catch (DateTimeException e) {
            try {
                return parseIso(text);
            } catch (InvalidValueException notIso) {
                String hint = hinted++ < HINTED ? DateSpellings.hint(ColumnType.DATE, text) : "";
                throw new InvalidValueException(
                        "is not a valid date of the form " + shownPattern + " (nor ISO 8601)" + hint);
            }
        }
    }

    private InvalidValueException invalid() {
        return new InvalidValueException("is not a valid date of the form " + shownPattern);
    }
}
