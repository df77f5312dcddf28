package dev.sluice.load;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;

/** The target table exists but cannot hold what the pipeline loads: a missing column, another type, no key. */
public class TargetSchemaException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public TargetSchemaException(String table, String column, String message) {
        super(ErrorKind.TARGET_SCHEMA, table + ": " + message, null, null, column, null, null);
    }
}
