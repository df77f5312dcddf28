package dev.sluice.transform;

import dev.sluice.config.ColumnType;
import dev.sluice.config.ValueFormat;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Dates and timestamps written as a whole number of seconds or milliseconds since 1970-01-01T00:00Z. A date or a
 * timestamp without zone is the instant as seen in the declared zone (UTC when none is).
 */
final class EpochParser implements ValueParser {
    private final ColumnType type;
    private final ValueFormat.Epoch unit;
    private final ZoneId zone;

    EpochParser(ColumnType type, ValueFormat.Epoch unit, ZoneId zone) {
        this.type = type;
        this.unit = unit;
        this.zone = zone == null ? ZoneOffset.UTC : zone;
    }

    @Override
    public Object parse(String text) throws InvalidValueException {
        long number;
        try {
            number = IntegerParser.parseLong(text);
        } catch (InvalidValueException e) {
            throw new InvalidValueException("is not a whole number of " + unitName() + " since 1970");
        }
        Instant instant;
        try {
            instant = unit == ValueFormat.Epoch.SECONDS ? Instant.ofEpochSecond(number) : Instant.ofEpochMilli(number);
            return switch (type) {
                case DATE -> LocalDate.ofInstant(instant, zone);
                case TIMESTAMP -> LocalDateTime.ofInstant(instant, zone);
                default -> instant;
            };
        } catch (DateTimeException | ArithmeticException e) {
            throw new InvalidValueException("is out of range as " + unitName() + " since 1970");
        }
    }

    private String unitName() {
        return unit == ValueFormat.Epoch.SECONDS ? "seconds" : "milliseconds";
    }
}
