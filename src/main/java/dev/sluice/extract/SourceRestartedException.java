package dev.sluice.extract;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;

/**
 * The download being read while it arrives broke after part of it had been read, and is being retried from the
 * start: what was read must be discarded and the body read again. The load rolls back to a savepoint and does so.
 */
public class SourceRestartedException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public SourceRestartedException(String source) {
        super(
                ErrorKind.SOURCE_UNAVAILABLE,
                source + ": the download was retried while being read",
                source,
                null,
                null,
                null,
                null);
    }
}
