package dev.sluice.extract;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;

/** A source could not be fetched: a connection error, a timeout or an HTTP error status, after every retry. */
public class SourceUnavailableException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public SourceUnavailableException(String source, String message, boolean retryable, Throwable cause) {
        super(ErrorKind.SOURCE_UNAVAILABLE, message, source, null, null, null, cause);
        this.retryable = retryable;
    }

    /** Whether another attempt in this run may succeed (connection errors, 429, 5xx). */
    boolean retryable() {
        return retryable;
    }

    @Override
    public boolean isTransient() {
        return retryable;
    }
}
