package dev.sluice.db;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import javax.sql.DataSource;

/**
 * sluice's own schema ({@code sluice}: runs, source state, change log, notification outbox), brought up to date from
 * the SQL scripts in {@code src/main/resources/db/migration}, in order, each once. Target tables are not here:
 * pipelines declare them and {@code load} creates them.
 *
 * <p>The applied scripts are recorded in {@code sluice.flyway_schema_history}, the table Flyway kept when it ran
 * these scripts (databases migrated by earlier versions carry on where they were). Flyway itself is no longer used:
 * on a new database it spent 0.45 s where the scripts take 0.08 s, most of it starting up and scanning a 60 MB jar
 * for scripts (measured, docs/benchmarks.md). All pending scripts run in one transaction under an advisory lock, so
 * two processes starting on a new database at once migrate it once, and a failed script leaves nothing behind.
 */
public final class Migrations {
    public static final String SCHEMA = "sluice";
    /** The scripts, in order; MigrationsTest keeps this list equal to the files. */
    public static final List<String> SCRIPTS = List.of(
            "V1__runs_source_state_change_log.sql",
            "V2__notification_outbox.sql",
            "V3__scheduler_and_reader_role.sql",
            "V4__outbox_knows_its_pipeline.sql",
            "V5__state_per_file.sql",
            "V6__modes_quarantine.sql",
            "V7__source_headers_scheduled_runs.sql",
            "V8__feed_health.sql",
            "V9__run_audit.sql",
            "V10__load_digests.sql");
    /** The highest migration: what readiness checks against. */
    public static final int LATEST = SCRIPTS.size();

    /** The first key of sluice's advisory locks (as in RunLock), the second one migrations' own. */
    private static final int LOCK_NAMESPACE = 0x534c5543;

    private static final int LOCK_MIGRATIONS = 0;
    private static final Pattern NAME = Pattern.compile("V(\\d+)__(.+)\\.sql");

    private Migrations() {}

    /** The highest migration applied successfully: what readiness checks against. */
    public static int currentVersion(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return applied(c);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot read the schema version", e);
        }
    }

    private static int applied(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select to_regclass('sluice.flyway_schema_history') is not null")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return 0;
            }
        }
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select coalesce(max(version::int) filter (where success), 0),"
                        + " count(*) filter (where not success) from sluice.flyway_schema_history"
                        + " where version is not null")) {
            rs.next();
            if (rs.getInt(2) > 0) {
                throw new DatabaseException(
                        "sluice.flyway_schema_history records a failed migration; repair the schema by hand", null);
            }
            return rs.getInt(1);
        }
    }

    /**
     * Applies pending migrations; returns how many were applied. When every migration is already applied, one query
     * says so (most runs have nothing to migrate).
     */
    public static int migrate(DataSource dataSource) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                if (applied(c) == LATEST) {
                    return 0;
                }
                c.setAutoCommit(false);
                try {
                    int count = migrate(c);
                    c.commit();
                    return count;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                if (attempt < MAX_ATTEMPTS && lostRaceForRole(e)) {
                    continue;
                }
                throw DatabaseException.of("cannot migrate the sluice schema", e);
            }
        }
    }

    private static final int MAX_ATTEMPTS = 3;

    /**
     * Roles belong to the cluster: two databases of one cluster migrated at once both create {@code sluice_reader},
     * and the second waits for the first, then fails on the role's unique name (or on its catalog row, updated
     * concurrently). Its transaction rolled back, so it is simply tried again, and then finds the role.
     */
    private static boolean lostRaceForRole(SQLException e) {
        String message = String.valueOf(e.getMessage());
        return ("23505".equals(e.getSQLState()) && message.contains("pg_authid"))
                || ("XX000".equals(e.getSQLState()) && message.contains("tuple concurrently updated"));
    }

    private static int migrate(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("select pg_advisory_xact_lock(?, ?)")) {
            st.setInt(1, LOCK_NAMESPACE);
            st.setInt(2, LOCK_MIGRATIONS);
            st.execute();
        }
        try (Statement st = c.createStatement()) {
            st.execute("create schema if not exists " + SCHEMA);
            st.execute("create table if not exists sluice.flyway_schema_history (installed_rank int primary key,"
                    + " version varchar(50), description varchar(200) not null, type varchar(20) not null,"
                    + " script varchar(1000) not null, checksum int, installed_by varchar(100) not null,"
                    + " installed_on timestamp not null default now(), execution_time int not null,"
                    + " success boolean not null)");
        }
        int current = applied(c);
        int count = 0;
        for (String script : SCRIPTS.subList(current, SCRIPTS.size())) {
            apply(c, script);
            count++;
        }
        return count;
    }

    private static void apply(Connection c, String script) throws SQLException {
        Matcher name = NAME.matcher(script);
        if (!name.matches()) {
            throw new IllegalStateException("not a migration script name: " + script);
        }
        String sql = read(script);
        long started = System.nanoTime();
        try (Statement st = c.createStatement()) {
            // Scripts name sluice's tables unqualified, as they always have.
            st.execute("set local search_path = " + SCHEMA);
            st.execute(sql);
            st.execute("reset search_path");
        }
        try (PreparedStatement st = c.prepareStatement("insert into sluice.flyway_schema_history (installed_rank,"
                + " version, description, type, script, checksum, installed_by, execution_time, success)"
                + " select coalesce(max(installed_rank), 0) + 1, ?, ?, 'SQL', ?, ?, current_user, ?, true"
                + " from sluice.flyway_schema_history")) {
            st.setString(1, name.group(1));
            st.setString(2, name.group(2).replace('_', ' '));
            st.setString(3, script);
            st.setInt(4, checksum(sql));
            st.setInt(5, (int) ((System.nanoTime() - started) / 1_000_000));
            st.executeUpdate();
        }
    }

    private static String read(String script) {
        try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + script)) {
            if (in == null) {
                throw new IllegalStateException("migration missing from the jar: " + script);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + script, e);
        }
    }

    /** The checksum Flyway recorded for a script: CRC32 of its lines, without line breaks. */
    static int checksum(String sql) {
        CRC32 crc = new CRC32();
        for (String line : sql.split("\r\n|\r|\n")) {
            crc.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return (int) crc.getValue();
    }
}
