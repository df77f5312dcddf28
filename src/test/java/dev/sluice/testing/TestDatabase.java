package dev.sluice.testing;

import dev.sluice.db.Database;
import dev.sluice.db.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM (embedded, started on first use, stopped at exit), and a fresh database
 * for each test that asks: tests never see each other's tables.
 */
public final class TestDatabase {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;
    private static EmbeddedPostgres server15;

    private TestDatabase() {}

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }

    /**
     * A PostgreSQL 15 server, beside the 17 of {@link #server()}: the oldest major sluice supports, whose planner
     * makes sluice compare with other statements. Its binaries are zonky's, copied by the build into
     * {@code target/postgres-15} (x86-64 only: the tests that use it are skipped elsewhere).
     */
    public static synchronized EmbeddedPostgres server15() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                "amd64".equals(System.getProperty("os.arch")) || "x86_64".equals(System.getProperty("os.arch")),
                "PostgreSQL 15's binaries are copied for x86-64 only");
        if (server15 == null) {
            Path jar = Path.of("target", "postgres-15", "linux-amd64.jar");
            try {
                server15 = EmbeddedPostgres.builder()
                        .setPgBinaryResolver((system, hardware) -> {
                            java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile());
                            return zip.getInputStream(zip.getEntry("postgres-linux-x86_64.txz"));
                        })
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server15;
    }

    /** Creates an empty database and returns its JDBC URL (user postgres, no password). */
    public static String createDatabase() {
        return createDatabase(server());
    }

    /** Creates an empty database on PostgreSQL {@code major} (15 or 17) and returns its JDBC URL. */
    public static String createDatabase(int major) {
        EmbeddedPostgres on = switch (major) {
            case 15 -> server15();
            case 17 -> server();
            default -> throw new IllegalArgumentException("no PostgreSQL " + major + " here: 15 or 17");
        };
        try (Connection c = DriverManager.getConnection(on.getJdbcUrl("postgres", "postgres"));
                Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("select current_setting('server_version_num')::int / 10000")) {
            rs.next();
            if (rs.getInt(1) != major) {
                throw new IllegalStateException("asked for PostgreSQL " + major + ", found " + rs.getInt(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return createDatabase(on);
    }

    private static String createDatabase(EmbeddedPostgres on) {
        String name = "test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection c = DriverManager.getConnection(on.getJdbcUrl("postgres", "postgres"));
                Statement st = c.createStatement()) {
            st.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return "jdbc:postgresql://localhost:" + on.getPort() + "/" + name + "?user=postgres";
    }

    /** A sluice {@link Database} on a fresh, migrated database. */
    public static Database openFresh(Path home) {
        return open(createDatabase(), home);
    }

    /** A sluice {@link Database} at {@code url}, connected and migrated: what a new process would open. */
    public static Database open(String url, Path home) {
        Database database = Database.open(new DatabaseSettings(
                Optional.of(url), Optional.empty(), Optional.empty(), home.resolve("pg"), 4, Duration.ofSeconds(10)));
        database.dataSource();
        return database;
    }
}
