package dev.sluice.extract;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;

/**
 * A source answered, but what it sent must not be loaded: an HTML page, an empty body, a body cut off before its
 * announced length, a body over the size limit, a file in another encoding.
 */
public class SourceRejectedException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public SourceRejectedException(ErrorKind kind, String source, String message) {
        super(kind, message, source, null, null, null, null);
    }
}
