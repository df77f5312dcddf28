package dev.sluice.config;

import java.util.Locale;

/**
 * A bound written as a count ({@code 500}) or a share ({@code 1%}) of some total.
 *
 * @param value a count, or a fraction from 0 to 1
 */
public record Limit(Kind kind, double value) {
    /** Whether the bound counts rows or takes a share of them. */
    public enum Kind {
        COUNT,
        SHARE
    }

    public Limit {
        if (value < 0 || (kind == Kind.SHARE && value > 1)) {
            throw new IllegalArgumentException("a count from 0, or a share from 0% to 100%");
        }
    }

    public static Limit share(double fraction) {
        return new Limit(Kind.SHARE, fraction);
    }

    /** How many of {@code total} the bound allows. */
    public long of(long total) {
        return kind == Kind.COUNT ? (long) value : (long) Math.floor(total * value);
    }

    @Override
    public String toString() {
        return kind == Kind.COUNT
                ? String.valueOf((long) value)
                : String.format(Locale.ROOT, "%s%%", stripped(value * 100));
    }

    private static String stripped(double number) {
        return number == Math.rint(number) ? String.valueOf((long) number) : String.valueOf(number);
    }
}
