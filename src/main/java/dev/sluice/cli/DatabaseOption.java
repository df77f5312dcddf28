package dev.sluice.cli;

import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --db DATABASE}, shared by the commands that use the database. */
public final class DatabaseOption {
    @Option(
            names = "--db",
            paramLabel = "DATABASE",
            description = "PostgreSQL: a JDBC URL, a libpq URI (postgres://user@host:5432/db) or libpq key=value"
                    + " ('host=h dbname=db') (default: $SLUICE_DB_URL, else the embedded database under"
                    + " $SLUICE_HOME/pg). Put the password in SLUICE_DB_PASSWORD, not in the address.")
    String url;

    Optional<String> url() {
        return Optional.ofNullable(url).filter(s -> !s.isBlank());
    }
}
