package dev.sluice.extract;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import java.io.IOException;

/** The local disk failed sluice: the temporary directory is full or not writable, the cache cannot be written. */
public class LocalStorageException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public LocalStorageException(String source, String message, IOException cause) {
        super(ErrorKind.LOCAL_IO, message + ": " + cause.getMessage(), source, null, null, null, cause);
    }
}
