package dev.sluice.load;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;

/** A key appears on more than one row of a source: which row is right cannot be decided, so nothing is loaded. */
public class DuplicateKeyException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public DuplicateKeyException(String source, long line, String column, String value, String message) {
        super(ErrorKind.DUPLICATE_KEY, message, source, line, column, value, null);
    }
}
