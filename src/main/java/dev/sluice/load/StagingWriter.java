package dev.sluice.load;

import dev.sluice.config.ColumnSpec;
import dev.sluice.config.ColumnType;
import dev.sluice.config.SourceSpec;
import dev.sluice.db.DatabaseException;
import java.sql.SQLException;
import org.postgresql.copy.CopyIn;

/**
 * Streams one source's valid rows with a binary COPY, in 64 KiB chunks, into its staging table or, for a first
 * load into an empty target, into the target itself: memory stays constant whatever the number of rows. Call
 * {@link #write} per row, then {@link #finish}; on any failure {@link #abort}, then roll the transaction back.
 */
public final class StagingWriter {
    private static final int FLUSH_AT = 1 << 16;

    private final String source;
    private final CopyIn copy;
    private final BinaryCopyEncoder encoder;
    private long rows;
    private boolean headerWritten;
    private boolean keysVerified;

    StagingWriter(SourceSpec source, CopyIn copy, boolean withLine) {
        this.source = source.name();
        this.copy = copy;
        this.encoder = new BinaryCopyEncoder(source.columns().stream().map(ColumnSpec::type)
                .toArray(ColumnType[]::new), withLine);
    }

    /** The reader found every key unique while streaming: the load need not check them again in SQL. */
    public void keysVerifiedUnique() {
        keysVerified = true;
    }

    boolean keysVerified() {
        return keysVerified;
    }

    /** Adds a row; {@code values} follow the source's columns, typed as {@code transform} types them. */
    public void write(long line, Object[] values) {
        if (!headerWritten) {
            send(BinaryCopyEncoder.HEADER, BinaryCopyEncoder.HEADER.length);
            headerWritten = true;
        }
        encoder.encodeRow(line, values);
        rows++;
        if (encoder.length() >= FLUSH_AT) {
            flush();
        }
    }

    private void flush() {
        send(encoder.buffer(), encoder.length());
        encoder.reset();
    }

    private void send(byte[] bytes, int length) {
        try {
            copy.writeToCopy(bytes, 0, length);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot stage the rows of " + source, e);
        }
    }

    /** Ends the COPY; returns the number of rows the server stored. */
    long finish() {
        if (!headerWritten) {
            send(BinaryCopyEncoder.HEADER, BinaryCopyEncoder.HEADER.length);
        }
        flush();
        send(BinaryCopyEncoder.TRAILER, BinaryCopyEncoder.TRAILER.length);
        try {
            long stored = copy.endCopy();
            if (stored != rows) {
                throw new DatabaseException("staging " + source + ": the server stored " + stored + " rows of " + rows,
                        null);
            }
            return stored;
        } catch (SQLException e) {
            throw DatabaseException.of("cannot stage the rows of " + source, e);
        }
    }

    /** Cancels the COPY so that the connection can roll back. */
    void abort() {
        try {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        } catch (SQLException ignored) {
            // The transaction is rolled back next; a failed cancel leaves nothing behind.
        }
    }
}
