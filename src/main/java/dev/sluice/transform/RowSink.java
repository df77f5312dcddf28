package dev.sluice.transform;

/**
 * Receives each valid, kept row. {@code values} holds one typed value per source column, in declaration order:
 * {@link java.time.LocalDate}, {@link Long}, {@link java.math.BigDecimal}, {@link String} or null. The array is
 * reused for the next row, so a sink must use it before returning: rows stream through, none is retained.
 */
@FunctionalInterface
public interface RowSink {
    void accept(long line, Object[] values);
}
