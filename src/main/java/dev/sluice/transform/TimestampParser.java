package dev.sluice.transform;

import dev.sluice.config.ColumnType;
import dev.sluice.config.TemporalFormats;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.Optional;

/**
 * Points in time: {@code timestamp} into a {@link LocalDateTime}, {@code timestamptz} into an {@link Instant}. Without
 * a pattern, ISO 8601 with a {@code T} or a space ({@code 2021-03-01 12:30:00}), and for timestamptz an offset
 * ({@code Z}, {@code +01:00}, {@code +0100}) or the declared zone. Strict everywhere: a local time that a
 * daylight-saving change skips does not exist in the zone, and a fraction finer than PostgreSQL's microseconds
 * would be rounded away, so both are invalid rather than moved.
 */
final class TimestampParser implements ValueParser {
    /** The range of PostgreSQL's timestamps: 4713 BC to 294276 AD. */
    private static final int MIN_YEAR = -4712;

    private static final int MAX_YEAR = 294_275;

    private static final DateTimeFormatter ISO = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart()
            .appendPattern("[XXX][XX][X]")
            .optionalEnd()
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT);

    private static final int HINTED = 100;

    private final ColumnType type;
    private final Optional<ZoneId> zone;
    private final DateTimeFormatter formatter;
    private final String expected;
    private int hinted;

    /**
     * @param type    {@code TIMESTAMP} or {@code TIMESTAMPTZ}
     * @param pattern a {@link TemporalFormats} pattern; empty for ISO 8601
     * @param zone    for timestamptz values written without an offset, the zone they are in
     */
    TimestampParser(ColumnType type, Optional<String> pattern, Optional<ZoneId> zone) {
        this.type = type;
        this.zone = zone;
        this.formatter = pattern.map(p -> TemporalFormats.formatter(type, p)).orElse(ISO);
        this.expected = "is not a valid " + (type == ColumnType.TIMESTAMP ? "timestamp" : "timestamp with a zone")
                + " of the form "
                + pattern.orElse(
                        type == ColumnType.TIMESTAMP
                                ? "yyyy-MM-dd HH:mm:ss"
                                : zone.isPresent() ? "yyyy-MM-dd HH:mm:ss[+HH:MM]" : "yyyy-MM-dd HH:mm:ss+HH:MM");
    }

    @Override
    public Object parse(String written) throws InvalidValueException {
        TemporalAccessor parsed;
        try {
            parsed = formatter == ISO ? ISO.parse(isoText(written)) : formatter.parse(written);
        } catch (DateTimeException e) {
            if (formatter == ISO) {
                throw new InvalidValueException(expected);
            }
            // A column with a pattern reads ISO 8601 too: never ambiguous, and publishers move to it.
            try {
                parsed = ISO.parse(isoText(written));
            } catch (DateTimeException notIso) {
                String hint = hinted++ < HINTED ? DateSpellings.hint(type, written) : "";
                throw new InvalidValueException(expected + " (nor ISO 8601)" + hint);
            }
        }
        return value(parsed);
    }

    /** ISO 8601 with a space between date and time read as with a {@code T}. */
    private static String isoText(String written) {
        return written.length() > 10 && written.charAt(10) == ' '
                ? written.substring(0, 10) + 'T' + written.substring(11)
                : written;
    }

    private Object value(TemporalAccessor parsed) throws InvalidValueException {
        LocalDateTime local;
        try {
            local = LocalDateTime.from(parsed);
        } catch (DateTimeException e) {
            throw new InvalidValueException(expected);
        }
        if (local.getNano() % 1000 != 0) {
            throw new InvalidValueException("is more precise than the microseconds PostgreSQL keeps");
        }
        if (local.getYear() < MIN_YEAR || local.getYear() > MAX_YEAR) {
            throw new InvalidValueException("is outside the timestamps PostgreSQL stores (4713 BC to 294276 AD)");
        }
        if (type == ColumnType.TIMESTAMP) {
            if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
                throw new InvalidValueException(
                        "has an offset, which a timestamp without time zone would drop: use" + " type: timestamptz");
            }
            return local;
        }
        if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
            return OffsetDateTime.from(parsed).toInstant();
        }
        ZoneId in = Optional.ofNullable(parsed.query(TemporalQueries.zoneId()))
                .or(() -> zone)
                .orElse(null);
        if (in == null) {
            throw new InvalidValueException("has no offset, and the column declares no zone: " + expected);
        }
        if (in.getRules().getValidOffsets(local).isEmpty()) {
            throw new InvalidValueException("does not exist in " + in + " (the clocks skip it)");
        }
        // In the hour a clock change repeats, the earlier of the two instants: what ZonedDateTime.of chooses.
        return ZonedDateTime.of(local, in).toInstant();
    }
}
