package dev.sluice.config;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One column a source provides: found by its {@code header} name (or its {@code position} when the file has no
 * header), stored under {@code name}.
 *
 * @param header     the header name in the file, compared after trimming; for a column found by position, its
 *                   SQL name, which is what errors call it
 * @param position   the column's 1-based position, for a file without a header
 * @param name       the SQL column name in staging and target tables
 * @param type       how values are typed
 * @param format     how values are written
 * @param presence   whether a value is required; without one, an empty (or null-spelled) value is stored as NULL
 * @param min        smallest valid value for numeric columns, or null
 * @param max        largest valid value for numeric columns, or null
 * @param onDecrease the cumulative-series rule; {@link DecreasePolicy#ALLOW} for none
 */
public record ColumnSpec(
        String header,
        OptionalInt position,
        String name,
        ColumnType type,
        ValueFormat format,
        Presence presence,
        BigDecimal min,
        BigDecimal max,
        DecreasePolicy onDecrease) {

    /** Whether a row must have a value in the column. */
    public enum Presence {
        REQUIRED,
        OPTIONAL
    }

    public ColumnSpec {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(presence, "presence");
        Objects.requireNonNull(onDecrease, "onDecrease");
    }

    public boolean required() {
        return presence == Presence.REQUIRED;
    }

    /** The same column, required or not. */
    public ColumnSpec withPresence(Presence other) {
        return new ColumnSpec(header, position, name, type, format, other, min, max, onDecrease);
    }
}
