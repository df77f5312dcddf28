package dev.sluice.db;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import java.sql.SQLException;

/**
 * The database failed: unreachable, connection lost, or a statement failed. Messages carry the SQLSTATE and
 * never a password (URLs are shown redacted).
 */
public class DatabaseException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public DatabaseException(String message, Throwable cause) {
        super(ErrorKind.DATABASE, message, cause);
    }

    /** Wraps a failed statement, saying what sluice was doing. */
    public static DatabaseException of(String doing, SQLException e) {
        String state = e.getSQLState() == null ? "" : " [SQLSTATE " + e.getSQLState() + "]";
        return new DatabaseException(doing + ": " + e.getMessage() + state, e);
    }
}
