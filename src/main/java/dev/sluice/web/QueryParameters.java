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

    /** An instant ({@code 2021-03-01T12:00:00Z}) or a date (its start, UTC), or empty when absent. */
    static Optional<java.time.Instant> instant(Context ctx, String name) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(java.time.Instant.parse(text.trim()));
        } catch (DateTimeParseException notAnInstant) {
            try {
                return Optional.of(LocalDate.parse(text.trim())
                        .atStartOfDay(java.time.ZoneOffset.UTC)
                        .toInstant());
            } catch (DateTimeParseException e) {
                throw new BadRequestException(400, name + " must be a time (2021-03-01T12:00:00Z) or a date");
            }
        }
    }

    /** A date {@code yyyy-MM-dd}, or empty when absent. */
    static Optional<LocalDate> date(Context ctx, String name) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(text.trim()));
        } catch (DateTimeParseException e) {
            throw new BadRequestException(400, "from and to must be dates of the form yyyy-MM-dd");
        }
    }
}
