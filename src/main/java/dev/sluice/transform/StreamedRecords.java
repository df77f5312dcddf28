package dev.sluice.transform;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The records of a file read one at a time as it streams (JSON, a workbook's sheet), as an iterator: a reading error
 * surfaces as an {@link UncheckedIOException} of it, which the validator names.
 */
abstract class StreamedRecords implements Iterator<SourceRecord>, Closeable {
    private SourceRecord next;
    private boolean ended;

    /** The next record, or null at the file's end. */
    protected abstract SourceRecord read() throws IOException;

    @Override
    public final boolean hasNext() {
        if (next == null && !ended) {
            try {
                next = read();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ended = next == null;
        }
        return next != null;
    }

    @Override
    public final SourceRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        SourceRecord record = next;
        next = null;
        return record;
    }
}
