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
    /** The highest migration in db/migration; MigrationsTest keeps this in step with the files. */
    public static final int LATEST = 4;

    private Migrations() {}

    private static boolean upToDate(DataSource dataSource) {
        try (java.sql.Connection c = dataSource.getConnection();
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs =
                        st.executeQuery("select to_regclass('sluice.flyway_schema_history') is not null")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return false;
            }
        } catch (java.sql.SQLException e) {
            return false;
        }
        try (java.sql.Connection c = dataSource.getConnection();
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("select coalesce(max(version::int) filter (where success), 0),"
                        + " count(*) filter (where not success) from sluice.flyway_schema_history"
                        + " where version is not null")) {
            rs.next();
            return rs.getInt(1) == LATEST && rs.getInt(2) == 0;
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    /** The highest migration applied successfully: what readiness checks against. */
    public static int currentVersion(DataSource dataSource) {
        try (java.sql.Connection c = dataSource.getConnection();
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery(
                        "select coalesce(max(version::int), 0)" + " from sluice.flyway_schema_history where success")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw DatabaseException.of("cannot read the schema version", e);
        }
    }

    /**
     * Applies pending migrations; returns how many were applied. When every migration is already applied, one query
     * says so and Flyway is not started (it costs 0.2 s per process, measured, most runs have nothing to migrate).
     */
    public static int migrate(DataSource dataSource) {
        if (upToDate(dataSource)) {
            return 0;
        }
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
