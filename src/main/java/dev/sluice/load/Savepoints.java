package dev.sluice.load;

import dev.sluice.db.DatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

/** Savepoints inside the load's transaction, failing as {@link DatabaseException}. */
final class Savepoints {
    private Savepoints() {}

    static Savepoint set(Connection connection) {
        try {
            return connection.setSavepoint();
        } catch (SQLException e) {
            throw DatabaseException.of("cannot set a savepoint", e);
        }
    }

    static void release(Connection connection, Savepoint savepoint) {
        try {
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot release a savepoint", e);
        }
    }

    static void rollbackTo(Connection connection, Savepoint savepoint) {
        try {
            connection.rollback(savepoint);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot roll back to a savepoint", e);
        }
    }
}
