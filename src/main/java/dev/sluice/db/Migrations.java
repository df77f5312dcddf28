package dev.sluice.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * sluice's own schema ({@code sluice}: runs, source state, change log, notification outbox), migrated by Flyway
 * from {@code src/main/resources/db/migration}. Target tables are not here: pipelines declare them and
 * {@code load} creates them.
 */
public final class Migrations {
    public static final String SCHEMA = "sluice";

    private Migrations() {
    }

    /** The highest migration applied successfully: what readiness checks against. */
    public static int currentVersion(DataSource dataSource) {
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("select coalesce(max(version::int), 0)"
                     + " from sluice.flyway_schema_history where success")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw DatabaseException.of("cannot read the schema version", e);
        }
    }

    /** Applies pending migrations; returns how many were applied. */
    public static int migrate(DataSource dataSource) {
        try {
            MigrateResult result = Flyway.configure()
                    .dataSource(dataSource)
                    .schemas(SCHEMA)
                    .createSchemas(true)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            throw new DatabaseException("cannot migrate the sluice schema: " + e.getMessage(), e);
        }
    }
}
