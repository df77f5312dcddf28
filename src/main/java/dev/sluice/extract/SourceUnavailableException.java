package dev.sluice.extract;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;

/** A source could not be fetched: a connection error, a timeout or an HTTP error status, after every retry. */
public class SourceUnavailableException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    private SourceUnavailableException(String source, String message, boolean retryable, Throwable cause) {
        super(ErrorKind.SOURCE_UNAVAILABLE, message, source, null, null, null, cause);
        this.retryable = retryable;
    }

    /** The source failed in a way another attempt may get past: a connection error, a 5xx, a 429, a stall. */
    public static SourceUnavailableException transientFailure(String source, String message, Throwable cause) {
        return new SourceUnavailableException(source, message, true, cause);
    }

    /** The source failed in a way the same request will again: a 404, a missing file, a refused redirect. */
    public static SourceUnavailableException lastingFailure(String source, String message, Throwable cause) {
        return new SourceUnavailableException(source, message, false, cause);
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
