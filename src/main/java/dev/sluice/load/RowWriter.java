package dev.sluice.load;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.config.ColumnSpec;
import dev.sluice.config.ColumnType;
import dev.sluice.config.SourceSpec;
import dev.sluice.db.DatabaseException;
import java.sql.SQLException;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.PSQLException;

/**
 * Streams one source's valid rows with a binary COPY, in 64 KiB chunks, into its staging table or, for a first
 * load into an empty target, into the target itself: memory stays constant whatever the number of rows. Every row's
 * key is checked on the way ({@link KeyCheck}). Call {@link #write} per row, then {@link #finish}; on any failure
 * {@link #abort}, then roll the transaction back.
 */
public final class RowWriter {
    private static final int FLUSH_AT = 1 << 16;

    private final String source;
    private final CopyIn copy;
    private final BinaryCopyEncoder encoder;
    private final KeyCheck keys;
    private final PublicationTap tap;
    /** With a tap: the thread that shows the rows to it and sends those it keeps. */
    private final TappedCopy tapped;
    /** With a tap: where each row encoded since the last hand-over ends. */
    private int[] ends = new int[1024];

    private int pending;

    private long rows;
    private long sent;
    private boolean headerWritten;

    RowWriter(SourceSpec source, CopyIn copy, BinaryCopyEncoder.Layout layout, KeyCheck keys) {
        this(source, copy, layout, keys, null);
    }

    /** @param tap what else sees each encoded row (the load's digest), and may hold it back; null for nothing */
    RowWriter(SourceSpec source, CopyIn copy, BinaryCopyEncoder.Layout layout, KeyCheck keys, PublicationTap tap) {
        this.source = source.name();
        this.copy = copy;
        this.encoder = new BinaryCopyEncoder(
                source.columns().stream().map(ColumnSpec::type).toArray(ColumnType[]::new), layout);
        this.keys = keys;
        this.tap = tap;
        // Where a row's values start in its encoding: after the field count, and the line in a staging table.
        int valuesFrom = layout == BinaryCopyEncoder.Layout.STAGING ? 2 + 4 + 8 : 2;
        this.tapped = tap == null ? null : new TappedCopy(source.name(), copy, tap, valuesFrom, this::copyFailed);
    }

    /**
     * Adds a row; {@code values} follow the source's columns, typed as {@code transform} types them.
     *
     * @param file the index of the row's file among the source's
     * @param line the row's line in its file
     * @throws DuplicateKeyException when the row repeats the key of an earlier one
     */
    public void write(int file, long line, Object[] values) {
        long position = RowPositions.pack(file, line);
        keys.accept(position, values);
        encoder.encodeRow(position, values);
        rows++;
        if (tapped != null) {
            if (!keys.complete() && tap.comparing()) {
                // Only a key check of every row proves the rows held back repeat no key of the rows staged.
                throw new PublicationTap.DeltaAbandonedException(
                        "the publication is not grouped by its key's first column, so its keys are checked in SQL");
            }
            if (pending == ends.length) {
                ends = java.util.Arrays.copyOf(ends, pending * 2);
            }
            ends[pending++] = encoder.length();
            if (encoder.length() >= FLUSH_AT) {
                handOver();
            }
            return;
        }
        if (!headerWritten) {
            send(BinaryCopyEncoder.HEADER, BinaryCopyEncoder.HEADER.length);
            headerWritten = true;
        }
        sent++;
        if (encoder.length() >= FLUSH_AT) {
            flush();
        }
    }

    private void handOver() {
        tapped.hand(encoder.buffer(), encoder.length(), ends, pending);
        pending = 0;
        encoder.reset();
    }

    private void flush() {
        send(encoder.buffer(), encoder.length());
        encoder.reset();
    }

    private void send(byte[] bytes, int length) {
        try {
            copy.writeToCopy(bytes, 0, length);
        } catch (SQLException e) {
            throw copyFailed(e);
        }
    }

    /** PostgreSQL's limit on one row's size: a row of many values, all present, that no page holds. */
    private static final String PROGRAM_LIMIT_EXCEEDED = "54000";

    private RuntimeException copyFailed(SQLException e) {
        if (!PROGRAM_LIMIT_EXCEEDED.equals(e.getSQLState())) {
            return DatabaseException.of("cannot copy the rows of " + source, e);
        }
        String where = e instanceof PSQLException p
                        && p.getServerErrorMessage() != null
                        && p.getServerErrorMessage().getWhere() != null
                ? " (" + p.getServerErrorMessage().getWhere() + ")"
                : "";
        String message = e instanceof PSQLException p && p.getServerErrorMessage() != null
                ? p.getServerErrorMessage().getMessage()
                : e.getMessage();
        return new SluiceException(
                ErrorKind.TOO_LARGE,
                source + ": a row is larger than PostgreSQL stores in one row: " + message + where
                        + "; load fewer columns (see sluice check), or split them into two pipelines",
                e);
    }

    /** Lets {@code fill} write every row, then ends the COPY; on any failure cancels it. */
    <T> T fill(Load.Fill<T> fill) {
        boolean done = false;
        try {
            T result = fill.into(this);
            finish();
            done = true;
            return result;
        } finally {
            if (!done) {
                abort();
            }
        }
    }

    /** The rows written (stored, after the COPY ended, unless the tap held them back). */
    long rows() {
        return rows;
    }

    /** The rows sent to PostgreSQL: all of them, unless the tap held some back. */
    long sent() {
        return sent;
    }

    /** Ends the COPY, checking the server stored every row. */
    private void finish() {
        if (tapped != null) {
            handOver();
            sent = tapped.finish();
            endCopy();
            return;
        }
        if (!headerWritten) {
            send(BinaryCopyEncoder.HEADER, BinaryCopyEncoder.HEADER.length);
        }
        flush();
        send(BinaryCopyEncoder.TRAILER, BinaryCopyEncoder.TRAILER.length);
        endCopy();
    }

    private void endCopy() {
        try {
            long stored = copy.endCopy();
            if (stored != sent) {
                throw new DatabaseException(
                        "copying " + source + ": the server stored " + stored + " rows of " + sent, null);
            }
        } catch (SQLException e) {
            throw copyFailed(e);
        }
    }

    /** Cancels the COPY so that the connection can roll back. */
    private void abort() {
        if (tapped != null) {
            tapped.stop();
        }
        try {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        } catch (SQLException ignored) {
            // The transaction is rolled back next; a failed cancel leaves nothing behind.
        }
    }
}
