package dev.sluice.cli;

import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --db JDBC_URL}, shared by the commands that use the database. */
public final class DatabaseOption {
    @Option(
            names = "--db",
            paramLabel = "JDBC_URL",
            description = "PostgreSQL JDBC URL (default: $SLUICE_DB_URL, else the embedded database under "
                    + "$SLUICE_HOME/pg). Put the password in SLUICE_DB_PASSWORD, not in the URL.")
    String url;

    Optional<String> url() {
        return Optional.ofNullable(url).filter(s -> !s.isBlank());
    }
}
