package dev.sluice.transform;

/**
 * Receives each valid, kept row. {@code values} holds one typed value per source column, in declaration order:
 * {@link java.time.LocalDate}, {@link java.time.LocalDateTime} (timestamp), {@link java.time.Instant} (timestamptz),
 * {@link Long}, {@link java.math.BigDecimal}, {@link Double}, {@link Boolean}, {@link String} or null. The array is
 * reused for the next row, so a sink must use it before returning: rows stream through, none is retained.
 */
@FunctionalInterface
public interface RowSink {
    /**
     * @param file which of the source's files the row is in, from 0, in the order they were given
     * @param line the row's first line in that file
     */
    void accept(int file, long line, Object[] values);
}
