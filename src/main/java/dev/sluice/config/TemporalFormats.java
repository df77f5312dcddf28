package dev.sluice.config;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.Optional;

/**
 * How the text of a date, timestamp or timestamptz column is read with a pattern: one home for turning a pattern
 * into a strict formatter, with what a pattern leaves out filled in (the first day of a month, quarter or year; the
 * start of a day), and for {@code sluice check}'s test that a pattern can produce its column's type.
 */
public final class TemporalFormats {
    /** Month and day names are read in English: {@code Jan}, {@code Monday}. */
    public static final Locale NAMES = Locale.ENGLISH;

    private TemporalFormats() {}

    /**
     * A strict formatter for {@code pattern}: {@code 2021-02-30} is invalid, never March 2nd. Letters the pattern
     * lacks default to the start of the period: {@code yyyy-MM} reads {@code 1833-01} as 1833-01-01, {@code yyyy}
     * as January 1st, a quarter ({@code yyyy-'Q'Q}) as its first day, and a timestamp without a time as midnight.
     *
     * @throws IllegalArgumentException when the pattern is not a valid {@link DateTimeFormatter} pattern
     */
    public static DateTimeFormatter formatter(ColumnType type, String pattern) {
        Letters letters = Letters.of(pattern);
        // 'y' is year-of-era, which STRICT resolving rejects without an era; 'u' is the proleptic year users mean.
        DateTimeFormatterBuilder builder =
                new DateTimeFormatterBuilder().parseCaseSensitive().appendPattern(properYear(pattern));
        if (!letters.weekBased()) {
            if (!letters.day()) {
                if (letters.month()) {
                    builder.parseDefaulting(ChronoField.DAY_OF_MONTH, 1);
                } else if (letters.quarter()) {
                    builder.parseDefaulting(IsoFields.DAY_OF_QUARTER, 1);
                } else {
                    builder.parseDefaulting(ChronoField.MONTH_OF_YEAR, 1).parseDefaulting(ChronoField.DAY_OF_MONTH, 1);
                }
            }
            if (type != ColumnType.DATE && !letters.hour()) {
                builder.parseDefaulting(ChronoField.HOUR_OF_DAY, 0);
            }
            if (type != ColumnType.DATE && !letters.minute()) {
                builder.parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0);
            }
        }
        return builder.toFormatter(NAMES).withResolverStyle(ResolverStyle.STRICT);
    }

    /** Whether values read with the pattern carry their own offset or zone ({@code X}, {@code Z}, {@code VV}...). */
    public static boolean carriesOffset(String pattern) {
        return Letters.of(pattern).offset();
    }

    /**
     * Why a pattern cannot produce the column's type, if it cannot: it is not a pattern, it writes what the type
     * cannot hold (a time of day in a date), or a value it writes cannot be read back (no year, no offset and no
     * zone for a timestamptz). Tried on a real value: what is formatted from 2021-01-01 must read back as it.
     */
    public static Optional<String> refusal(ColumnType type, String pattern, Optional<ZoneId> zone) {
        DateTimeFormatter formatter;
        try {
            formatter = formatter(type, pattern);
        } catch (IllegalArgumentException e) {
            return Optional.of("is not a valid pattern: " + e.getMessage());
        }
        Letters letters = Letters.of(pattern);
        if (type == ColumnType.TIMESTAMPTZ && !letters.offset() && zone.isEmpty()) {
            return Optional.of("writes no offset (X, x, Z, O or VV): declare the zone its values are in, as"
                    + " zone: Europe/Paris, or use type: timestamp");
        }
        if (type != ColumnType.TIMESTAMPTZ && letters.offset()) {
            return Optional.of("writes an offset or zone, which a "
                    + type.name().toLowerCase(Locale.ROOT) + " column does not keep: use type: timestamptz");
        }
        LocalDateTime sample = LocalDate.of(2021, 1, 1).atStartOfDay();
        TemporalAccessor value = switch (type) {
            case DATE -> sample.toLocalDate();
            case TIMESTAMP -> sample;
            default -> sample.atZone(zone.orElse(ZoneOffset.UTC));
        };
        String text;
        try {
            text = formatter.format(value);
        } catch (DateTimeException e) {
            return Optional.of(
                    type == ColumnType.DATE
                            ? "writes more than a date (" + e.getMessage() + "): use type: timestamp"
                            : "cannot write a " + type.name().toLowerCase(Locale.ROOT) + ": " + e.getMessage());
        }
        try {
            TemporalAccessor parsed = formatter.parse(text);
            boolean same = switch (type) {
                case DATE -> LocalDate.from(parsed).equals(sample.toLocalDate());
                case TIMESTAMP -> LocalDateTime.from(parsed).equals(sample);
                default -> LocalDateTime.from(parsed).equals(sample);
            };
            return same ? Optional.empty() : Optional.of("reads '" + text + "' back as another value");
        } catch (DateTimeException e) {
            return Optional.of("cannot read back what it writes ('" + text + "'): a "
                    + type.name().toLowerCase(Locale.ROOT) + " needs at least a year"
                    + (type == ColumnType.DATE ? "" : " and a" + " date"));
        }
    }

    /** The pattern with year-of-era {@code y} read as the proleptic year {@code u}, outside quoted literals. */
    private static String properYear(String pattern) {
        StringBuilder out = new StringBuilder(pattern.length());
        boolean quoted = false;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            }
            out.append(!quoted && c == 'y' ? 'u' : c);
        }
        return out.toString();
    }

    /** Which fields a pattern's letters (outside quotes) write. */
    private record Letters(String letters) {
        static Letters of(String pattern) {
            StringBuilder found = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (c == '\'') {
                    quoted = !quoted;
                } else if (!quoted && Character.isLetter(c)) {
                    found.append(c);
                }
            }
            return new Letters(found.toString());
        }

        private boolean any(String of) {
            return letters.chars().anyMatch(c -> of.indexOf(c) >= 0);
        }

        boolean day() {
            return any("dD");
        }

        boolean month() {
            return any("ML");
        }

        boolean quarter() {
            return any("Qq");
        }

        boolean weekBased() {
            return any("YwWec");
        }

        boolean hour() {
            return any("HkhK");
        }

        boolean minute() {
            return any("m");
        }

        boolean offset() {
            return any("XxZOVz");
        }
    }
}
