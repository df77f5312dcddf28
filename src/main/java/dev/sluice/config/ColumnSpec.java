package dev.sluice.config;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One column a source provides: found by its {@code header} name, stored under {@code name}.
 *
 * @param header     the header name in the CSV file (compared after trimming surrounding spaces)
 * @param name       the SQL column name in staging and target tables
 * @param type       how values are typed
 * @param datePattern for {@link ColumnType#DATE}: a {@link java.time.format.DateTimeFormatter} pattern
 * @param required   whether an empty value is invalid; otherwise empty is stored as NULL
 * @param min        smallest valid value for numeric columns, or null
 * @param max        largest valid value for numeric columns, or null
 * @param onDecrease the cumulative-series rule; {@link DecreasePolicy#ALLOW} for none
 */
public record ColumnSpec(
        String header,
        String name,
        ColumnType type,
        String datePattern,
        boolean required,
        BigDecimal min,
        BigDecimal max,
        DecreasePolicy onDecrease) {
    public ColumnSpec {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(onDecrease, "onDecrease");
    }
}
