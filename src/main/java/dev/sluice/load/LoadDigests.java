package dev.sluice.load;

import dev.sluice.config.ColumnSpec;
import dev.sluice.config.DecreasePolicy;
import dev.sluice.config.DuplicateKeyPolicy;
import dev.sluice.config.LoadMode;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SourceSpec;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The digests of the last loads ({@link PublicationDigest}), on local disk ({@code $SLUICE_HOME/cache/digests}), and
 * what the database records of each: the one place that decides whether a load may compare its publication with the
 * last one instead of with the whole table.
 *
 * <p>It may only when the database vouches that the table is exactly as that load left it: the same table (its oid),
 * the same columns, and no write since by anyone (a statement trigger counts every INSERT, UPDATE, DELETE, TRUNCATE
 * and COPY into {@code sluice.table_writes}, in the writer's transaction; sluice records the count its own load left);
 * and when this machine holds that very digest (its id, then its checksum, checked against the database). Anything else
 * (a manual write, an ALTER, a restored backup, another tool's load, a lost cache, another machine's) and the load
 * compares with the whole table, saying why in the run's record.
 */
public final class LoadDigests {
    private static final Logger LOG = LoggerFactory.getLogger(LoadDigests.class);
    static final String TRIGGER = "sluice_count_writes";

    private final Path directory;

    /** @param directory where the digests are kept; created when first needed */
    public LoadDigests(Path directory) {
        this.directory = directory;
    }

    /** Why a pipeline's loads cannot be compared with the last one's digest, or empty when they can. */
    static Optional<String> unsuitable(PipelineSpec spec) {
        if (spec.sources().size() != 1) {
            return Optional.of("its sources are joined");
        }
        SourceSpec source = spec.sources().get(0);
        LoadMode mode = spec.target().mode();
        if (mode == LoadMode.REPLACE || mode == LoadMode.APPEND) {
            return Optional.of("mode " + mode.name().toLowerCase(java.util.Locale.ROOT) + " writes every row");
        }
        if (spec.target().keyColumns().isEmpty()) {
            return Optional.of("the table has no key");
        }
        if (source.duplicates() != DuplicateKeyPolicy.FAIL) {
            return Optional.of("duplicate_keys chooses among the rows of a key in SQL");
        }
        if (source.columns().stream().anyMatch(c -> c.onDecrease() != DecreasePolicy.ALLOW)) {
            return Optional.of("on_decrease compares every row with the table");
        }
        return Optional.empty();
    }

    /** The source's columns as a digest is made for them: their names and types, in order, and the key. */
    static String columns(SourceSpec source) {
        return source.columns().stream().map(c -> c.name() + " " + c.type()).collect(Collectors.joining(", ")) + " key "
                + String.join(", ", source.key());
    }

    /** The key's columns among the source's, by index. */
    static int[] keyIndexes(SourceSpec source) {
        return source.key().stream()
                .mapToInt(k ->
                        source.columns().stream().map(ColumnSpec::name).toList().indexOf(k))
                .toArray();
    }

    /**
     * The last load's digest when the database vouches for the table being as it left it and this machine holds the
     * digest it recorded; else why the load compares with the whole table.
     */
    Trusted previous(Connection connection, PipelineSpec spec) throws SQLException {
        Optional<String> unsuitable = unsuitable(spec);
        if (unsuitable.isPresent()) {
            return Trusted.no(unsuitable.get());
        }
        String table = spec.target().qualifiedName();
        try (PreparedStatement st = connection.prepareStatement("select d.run_id, d.digest, d.checksum, d.rows,"
                + " d.columns, d.table_oid = c.oid, d.table_shape, d.table_writes, d.keys_grouped,"
                + " coalesce((select writes from sluice.table_writes where table_oid = c.oid), 0),"
                + " (select tgenabled from pg_trigger where tgrelid = c.oid and tgname = ?)"
                + " from sluice.load_digests d, (select to_regclass(?)::oid as oid) c where d.pipeline = ?")) {
            st.setString(1, TRIGGER);
            st.setString(2, table);
            st.setString(3, spec.name());
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Trusted.no("no earlier load recorded a digest");
                }
                long run = rs.getLong(1);
                if (!rs.getString(5).equals(columns(spec.sources().get(0)))) {
                    return Trusted.no("the source's columns changed since run " + run);
                }
                if (!rs.getBoolean(6)) {
                    return Trusted.no("the table is not the one run " + run + " loaded (created again, or restored)");
                }
                if (!"A".equals(rs.getString(11))) {
                    return Trusted.no("the table's write counter (trigger " + TRIGGER + ") is missing or disabled");
                }
                long writes = rs.getLong(10) - rs.getLong(8);
                if (writes != 0) {
                    return Trusted.no("the table was written since run " + run + " (" + writes
                            + (writes == 1 ? " statement" : " statements") + " by another session or tool)");
                }
                if (!rs.getString(7).equals(shape(connection, table))) {
                    return Trusted.no("the table was altered or rewritten since run " + run
                            + " (ALTER TABLE, VACUUM FULL, CLUSTER)");
                }
                if (!rs.getBoolean(9)) {
                    return Trusted.no("run " + run + "'s publication was not grouped by its key's first column");
                }
                PublicationDigest.Identity identity = new PublicationDigest.Identity(
                        UUID.fromString(rs.getString(2)), rs.getString(3), rs.getLong(4));
                Path file = file(spec.name());
                if (!Files.isRegularFile(file)) {
                    return Trusted.no("this machine does not keep the digest of run " + run
                            + " (its cache is new, or another machine loaded it)");
                }
                return new Trusted(Optional.of(identity), run, "");
            }
        }
    }

    /**
     * Whether a load may be compared with the last one's digest, and if not why not.
     *
     * @param run the run whose load made the digest
     */
    record Trusted(Optional<PublicationDigest.Identity> identity, long run, String whyNot) {
        static Trusted no(String why) {
            return new Trusted(Optional.empty(), 0, why);
        }
    }

    /**
     * The table's columns and their types, in order, and its data file: what an ALTER TABLE changes, and what a
     * rewrite changes (an {@code ALTER COLUMN ... TYPE ... USING}, which may change every value and fires no
     * statement trigger; a VACUUM FULL or CLUSTER, which change none but are told apart from it by nothing).
     */
    private static String shape(Connection connection, String table) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("select string_agg(attname || ' ' ||"
                + " format_type(atttypid, atttypmod), ', ' order by attnum) || '; file ' || pg_relation_filenode(to_regclass(?))"
                + " from pg_attribute where attrelid = to_regclass(?) and attnum > 0 and not attisdropped")) {
            st.setString(2, table);
            st.setString(1, table);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return String.valueOf(rs.getString(1));
            }
        }
    }

    /**
     * Makes every write to the target count in {@code sluice.table_writes} (once per table; the load holds its lock).
     */
    static void countWrites(Connection connection, String table) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "select tgenabled from pg_trigger where tgrelid = to_regclass(?) and tgname = ?")) {
            st.setString(1, table);
            st.setString(2, TRIGGER);
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next() && "A".equals(rs.getString(1))) {
                    return;
                }
            }
        }
        try (Statement st = connection.createStatement()) {
            st.execute("drop trigger if exists " + TRIGGER + " on " + table);
            st.execute("create trigger " + TRIGGER + " after insert or update or delete or truncate on " + table
                    + " for each statement execute function sluice.count_table_write()");
            // ALWAYS: a restore or a replica's apply (session_replication_role = replica) is counted too.
            st.execute("alter table " + table + " enable always trigger " + TRIGGER);
        }
    }

    /**
     * Records, in the load's transaction, the digest of the publication it loaded and the table as it leaves it:
     * after the load's own writes, so that the next load sees any other.
     */
    void record(
            Connection connection,
            PipelineSpec spec,
            long runId,
            PublicationDigest.Identity digest,
            boolean keysGrouped)
            throws SQLException {
        String table = spec.target().qualifiedName();
        try (PreparedStatement st = connection.prepareStatement("insert into sluice.load_digests (pipeline, run_id,"
                + " digest, checksum, rows, columns, table_oid, table_shape, table_writes, keys_grouped) select ?, ?,"
                + " ?::uuid, ?, ?, ?, c.oid, ?, coalesce((select writes from sluice.table_writes where table_oid ="
                + " c.oid), 0), ? from (select to_regclass(?)::oid as oid) c on conflict (pipeline) do update set"
                + " run_id = excluded.run_id, digest = excluded.digest, checksum = excluded.checksum, rows ="
                + " excluded.rows, columns = excluded.columns, table_oid = excluded.table_oid, table_shape ="
                + " excluded.table_shape, table_writes = excluded.table_writes, keys_grouped ="
                + " excluded.keys_grouped, recorded_at = now()")) {
            st.setString(1, spec.name());
            st.setLong(2, runId);
            st.setString(3, digest.id().toString());
            st.setString(4, digest.checksum());
            st.setLong(5, digest.rows());
            st.setString(6, columns(spec.sources().get(0)));
            st.setString(7, shape(connection, table));
            st.setBoolean(8, keysGrouped);
            st.setString(9, table);
            st.executeUpdate();
        }
    }

    /** The kept digest of a pipeline's last load. */
    Path file(String pipeline) {
        return directory.resolve(fileName(pipeline) + ".digest");
    }

    /** A run's digest while it is written: kept once the run committed, else removed by the next run. */
    Path newFile(String pipeline, long runId) throws IOException {
        Files.createDirectories(directory);
        removeLeftovers(pipeline);
        return directory.resolve(fileName(pipeline) + "." + runId + ".part");
    }

    /** A run's keys of the previous rows left unmatched, while it runs. */
    Path unmatchedFile(String pipeline, long runId) {
        return directory.resolve(fileName(pipeline) + "." + runId + ".unmatched.part");
    }

    /** Keeps a committed run's digest in place of the last one. A failure costs the next run its comparison only. */
    void keep(String pipeline, Path written) {
        Path target = file(pipeline);
        try {
            try {
                Files.move(written, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(written, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn(
                    "cannot keep the digest of {}'s load: {}; its next run compares with the whole table",
                    pipeline,
                    e.getMessage());
        }
    }

    /** What a run that failed or was killed left behind (one run of a pipeline at a time: its lock). */
    private void removeLeftovers(String pipeline) throws IOException {
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(directory, fileName(pipeline) + ".*.part")) {
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
        }
    }

    /** A pipeline's name as a file name: its safe characters, and a hash that tells similar names apart. */
    private static String fileName(String pipeline) {
        return pipeline.replaceAll("[^A-Za-z0-9_-]", "_") + "-" + Integer.toHexString(pipeline.hashCode());
    }
}
