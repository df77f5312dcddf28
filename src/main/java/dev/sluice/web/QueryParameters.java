package dev.sluice.web;

import io.javalin.http.Context;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API's query parameters, parsed and checked before they reach a query: a value that is not what the parameter
 * holds (a NUL byte, a word where a number goes, a limit of a million) answers 400 saying which, never a 500.
 */
final class QueryParameters {
    private static final Pattern PIPELINE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private QueryParameters() {}

    /** A count between 1 and {@code max}, {@code fallback} when absent. */
    static int limit(Context ctx, int fallback, int max) {
        String text = ctx.queryParam("limit");
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequestException(400, "limit must be a whole number from 1 to " + max);
    }

    /** Rows to skip, 0 when absent. */
    static long offset(Context ctx) {
        String text = ctx.queryParam("offset");
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 0 && value <= 1_000_000_000L) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequestException(400, "offset must be a whole number from 0");
    }

    /** A positive id, or empty when absent. */
    static Optional<Long> id(Context ctx, String name) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value > 0) {
                return Optional.of(value);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequestException(400, name + " must be a run id (a positive whole number)");
    }

    /** A pipeline's name, or empty when absent. */
    static Optional<String> pipeline(Context ctx) {
        String text = ctx.queryParam("pipeline");
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        if (!PIPELINE_NAME.matcher(text).matches()) {
            throw new BadRequestException(
                    400, "pipeline must be a pipeline's name: lower-case letters, digits," + " '-' and '_'");
        }
        return Optional.of(text);
    }

    /** The instants PostgreSQL's timestamptz holds: 4713 BC to 294276 AD; Java's reach years PostgreSQL's do not. */
    private static final java.time.Instant EARLIEST = java.time.Instant.parse("-4712-01-01T00:00:00Z");

    private static final java.time.Instant LATEST = java.time.Instant.parse("+294276-12-31T23:59:59Z");

    /** An instant ({@code 2021-03-01T12:00:00Z}) or a date (its start, UTC), or empty when absent. */
    static Optional<java.time.Instant> instant(Context ctx, String name) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        java.time.Instant instant;
        try {
            instant = java.time.Instant.parse(text.trim());
        } catch (DateTimeParseException notAnInstant) {
            try {
                instant = LocalDate.parse(text.trim())
                        .atStartOfDay(java.time.ZoneOffset.UTC)
                        .toInstant();
            } catch (java.time.DateTimeException e) {
                throw new BadRequestException(400, name + " must be a time (2021-03-01T12:00:00Z) or a date");
            }
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new BadRequestException(400, name + " must be between 4713 BC and 294276 AD");
        }
        return Optional.of(instant);
    }

    /** The dates PostgreSQL's date holds: 4713 BC to 5874897 AD. */
    private static final LocalDate FIRST_DATE = LocalDate.of(-4712, 1, 1);

    private static final LocalDate LAST_DATE = LocalDate.of(5_874_897, 12, 31);

    /** A date {@code yyyy-MM-dd}, or empty when absent. */
    static Optional<LocalDate> date(Context ctx, String name) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        LocalDate date;
        try {
            date = LocalDate.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new BadRequestException(400, "from and to must be dates of the form yyyy-MM-dd");
        }
        if (date.isBefore(FIRST_DATE) || date.isAfter(LAST_DATE)) {
            throw new BadRequestException(400, name + " must be between 4713 BC and 5874897 AD");
        }
        return Optional.of(date);
    }
}
