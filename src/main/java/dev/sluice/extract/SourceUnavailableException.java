package dev.sluice.extract;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;

/** A source could not be fetched: a connection error, a timeout or an HTTP error status, after every retry. */
public class SourceUnavailableException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** How lasting a failure is. */
    enum Lasting {
        /** Another attempt may succeed. */
        TRANSIENT,
        /** The same request fails again. */
        LASTING,
        /** The file is not there (404, 410, no such file or object): a day not published yet, or a wrong name. */
        MISSING
    }

    private final Lasting lasting;

    private SourceUnavailableException(String source, String message, Lasting lasting, Throwable cause) {
        super(ErrorKind.SOURCE_UNAVAILABLE, message, source, null, null, null, cause);
        this.lasting = lasting;
    }

    /** The source failed in a way another attempt may get past: a connection error, a 5xx, a 429, a stall. */
    public static SourceUnavailableException transientFailure(String source, String message, Throwable cause) {
        return new SourceUnavailableException(source, message, Lasting.TRANSIENT, cause);
    }

    /** The source failed in a way the same request will again: a 404, a missing file, a refused redirect. */
    public static SourceUnavailableException lastingFailure(String source, String message, Throwable cause) {
        return new SourceUnavailableException(source, message, Lasting.LASTING, cause);
    }

    /** The file is not there: 404, 410, no such local file or S3 object. */
    public static SourceUnavailableException missing(String source, String message, Throwable cause) {
        return new SourceUnavailableException(source, message, Lasting.MISSING, cause);
    }

    /** Whether the file is not there, which a template over dates may skip. */
    boolean missing() {
        return lasting == Lasting.MISSING;
    }

    /** Whether another attempt in this run may succeed (connection errors, 429, 5xx). */
    boolean retryable() {
        return lasting == Lasting.TRANSIENT;
    }

    @Override
    public boolean isTransient() {
        return retryable();
    }
}
