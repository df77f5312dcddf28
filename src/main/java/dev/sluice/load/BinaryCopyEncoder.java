package dev.sluice.load;

import dev.sluice.config.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Encodes rows in PostgreSQL's binary COPY format into a reusable buffer. Binary, not text: the server does not
 * parse dates and numbers a second time (they were typed once, in {@code transform}), and no value needs escaping.
 * Each staged row is {@code _line} (the row's {@link RowPositions position}, for error messages) followed by the
 * source's columns.
 */
final class BinaryCopyEncoder {
    static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
    };
    static final byte[] TRAILER = {(byte) 0xFF, (byte) 0xFF};

    /** Days from 1970-01-01 (Java's epoch) to 2000-01-01 (PostgreSQL's). */
    private static final long PG_EPOCH_DAY = 10_957;

    private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);

    /** Which table the rows go to: a staging table's rows start with the source line; a target's do not. */
    enum Layout {
        STAGING,
        TARGET
    }

    private final ColumnType[] types;
    private final boolean withLine;
    private byte[] buffer = new byte[1 << 16];
    private int length;
    /** The last date encoded and its day number: daily feeds repeat a date on thousands of consecutive rows. */
    private LocalDate lastDate;

    private int lastDay;

    BinaryCopyEncoder(ColumnType[] types, Layout layout) {
        this.types = types.clone();
        this.withLine = layout == Layout.STAGING;
    }

    byte[] buffer() {
        return buffer;
    }

    int length() {
        return length;
    }

    void reset() {
        length = 0;
    }

    void encodeRow(long line, Object[] values) {
        ensure(2 + 12);
        putShort(values.length + (withLine ? 1 : 0));
        if (withLine) {
            putInt(8);
            putLong(line);
        }
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value == null) {
                ensure(4);
                putInt(-1);
                continue;
            }
            switch (types[i]) {
                case DATE -> {
                    ensure(8);
                    putInt(4);
                    putInt(pgDay((LocalDate) value));
                }
                case TIMESTAMP -> {
                    ensure(12);
                    putInt(8);
                    LocalDateTime local = (LocalDateTime) value;
                    putLong(pgMicros(local.toEpochSecond(ZoneOffset.UTC), local.getNano()));
                }
                case TIMESTAMPTZ -> {
                    ensure(12);
                    putInt(8);
                    Instant instant = (Instant) value;
                    putLong(pgMicros(instant.getEpochSecond(), instant.getNano()));
                }
                case INTEGER -> {
                    ensure(12);
                    putInt(8);
                    putLong((Long) value);
                }
                case DOUBLE -> {
                    ensure(12);
                    putInt(8);
                    putLong(Double.doubleToLongBits((Double) value));
                }
                case BOOLEAN -> {
                    ensure(5);
                    putInt(1);
                    buffer[length++] = (byte) (((Boolean) value) ? 1 : 0);
                }
                case DECIMAL -> putNumeric((BigDecimal) value);
                case TEXT -> putText((String) value);
            }
        }
    }

    /** Microseconds since PostgreSQL's epoch, 2000-01-01T00:00 (UTC for a timestamptz). */
    private static long pgMicros(long epochSecond, int nano) {
        return (epochSecond - PG_EPOCH_DAY * 86_400) * 1_000_000 + nano / 1_000;
    }

    /** Days since PostgreSQL's epoch. {@code toEpochDay} showed in the profile of a million-row load. */
    private int pgDay(LocalDate date) {
        if (!date.equals(lastDate)) {
            lastDate = date;
            lastDay = (int) (date.toEpochDay() - PG_EPOCH_DAY);
        }
        return lastDay;
    }

    private void putText(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        ensure(4 + bytes.length);
        putInt(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    /**
     * numeric: ndigits, weight, sign, dscale (int16 each), then base-10000 digits, most significant first; weight
     * is the power of 10000 of the first digit.
     */
    private void putNumeric(BigDecimal value) {
        BigDecimal plain = value.scale() < 0 ? value.setScale(0) : value;
        int scale = plain.scale();
        // Scale the fraction up to a multiple of 4 decimal digits so the unscaled value splits into base-10000.
        int fractionGroups = (scale + 3) / 4;
        BigInteger unscaled = plain.unscaledValue().abs().multiply(BigInteger.TEN.pow(fractionGroups * 4 - scale));
        short[] digits = new short[unscaled.toString().length() / 4 + 2];
        int count = 0;
        while (unscaled.signum() > 0) {
            BigInteger[] qr = unscaled.divideAndRemainder(TEN_THOUSAND);
            digits[count++] = qr[1].shortValue();
            unscaled = qr[0];
        }
        int weight = count - 1 - fractionGroups;
        int start = 0;
        while (start < count && digits[start] == 0) {
            start++;
        }
        int ndigits = count - start;
        ensure(4 + 8 + 2 * ndigits);
        putInt(8 + 2 * ndigits);
        putShort(ndigits);
        putShort(ndigits == 0 ? 0 : weight);
        putShort(plain.signum() < 0 ? 0x4000 : 0);
        putShort(scale);
        for (int i = count - 1; i >= start; i--) {
            putShort(digits[i]);
        }
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            byte[] bigger = new byte[Math.max(buffer.length * 2, length + more)];
            System.arraycopy(buffer, 0, bigger, 0, length);
            buffer = bigger;
        }
    }

    private void putShort(int v) {
        buffer[length++] = (byte) (v >>> 8);
        buffer[length++] = (byte) v;
    }

    private void putInt(int v) {
        buffer[length++] = (byte) (v >>> 24);
        buffer[length++] = (byte) (v >>> 16);
        buffer[length++] = (byte) (v >>> 8);
        buffer[length++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }
}
