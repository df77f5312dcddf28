package dev.sluice.load;

import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SourceSpec;
import dev.sluice.db.DatabaseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a load compares its publication with the table, chosen once when the load begins, beside its {@link LoadPlan}:
 * with the last publication's digest when the database vouches for it ({@link LoadDigests}), so that only the rows
 * that differ are staged and compared; else with the whole table, in the statements that are fastest on the server's
 * PostgreSQL. Whichever it is, it also writes this load's digest, for the next one.
 */
final class LoadComparison {
    private static final Logger LOG = LoggerFactory.getLogger(LoadComparison.class);

    /** The comparisons, as {@link TargetMerger} runs them. */
    enum Kind {
        /** Only the rows that differ from the last publication's, and the keys of its rows none matched. */
        DELTA,
        /**
         * The whole publication with the whole table in one parallel full join, which finds the changes and the keys
         * gone in one pass (PostgreSQL 16 and later, for the modes that remove keys).
         */
        FULL_JOIN,
        /** The whole publication with the whole table: a join for the changes, an anti-join for the keys gone. */
        JOIN_AND_ANTI_JOIN
    }

    private final Optional<LoadDigests> digests;
    private final PipelineSpec spec;
    private final long runId;
    private final Kind full;
    private Kind kind;
    private LoadDigests.Trusted previous;
    private String whyFull;
    private Path written;
    private PublicationDigest.Identity identity;
    private boolean keysGrouped;
    private long rows;
    private long staged;
    private long unmatched;

    private LoadComparison(
            Optional<LoadDigests> digests, PipelineSpec spec, long runId, Kind full, LoadDigests.Trusted previous) {
        this.digests = digests;
        this.spec = spec;
        this.runId = runId;
        this.full = full;
        this.previous = previous;
        this.kind = previous.identity().isPresent() ? Kind.DELTA : full;
        this.whyFull = previous.whyNot();
    }

    /**
     * Chooses the comparison of a load into a table that holds the last load's rows (or none: a first load still
     * writes its digest).
     *
     * @param digests where digests are kept; empty when this process keeps none
     */
    static LoadComparison choose(
            Connection connection, PipelineSpec spec, long runId, Optional<LoadDigests> digests, boolean tableEmpty)
            throws SQLException {
        Kind full = spec.target().mode().removesMissingKeys()
                        && connection.getMetaData().getDatabaseMajorVersion() >= 16
                ? Kind.FULL_JOIN
                : Kind.JOIN_AND_ANTI_JOIN;
        Optional<String> unsuitable = LoadDigests.unsuitable(spec);
        if (digests.isEmpty() || unsuitable.isPresent()) {
            return new LoadComparison(
                    Optional.empty(),
                    spec,
                    runId,
                    full,
                    LoadDigests.Trusted.no(unsuitable.orElse("this process keeps no digests")));
        }
        LoadDigests.Trusted previous = tableEmpty
                ? LoadDigests.Trusted.no("the table was empty")
                : digests.get().previous(connection, spec);
        java.sql.Savepoint before = Savepoints.set(connection);
        try {
            LoadDigests.countWrites(connection, spec.target().qualifiedName());
            Savepoints.release(connection, before);
        } catch (SQLException e) {
            // A table sluice does not own (a grant to insert and update is enough to load it) cannot take a
            // trigger: its loads compare with the whole table, as before.
            Savepoints.rollbackTo(connection, before);
            return new LoadComparison(
                    Optional.empty(),
                    spec,
                    runId,
                    full,
                    LoadDigests.Trusted.no("sluice cannot count the writes to the table (a trigger needs its owner): "
                            + e.getMessage()));
        }
        LoadComparison comparison = new LoadComparison(digests, spec, runId, full, previous);
        if (comparison.kind == Kind.DELTA) {
            comparison.checkDigestHeader();
        }
        return comparison;
    }

    /** A comparison that keeps no digest: for the plans that write every row or add whole files. */
    static final LoadComparison NONE = new LoadComparison(
            Optional.empty(), null, 0, Kind.JOIN_AND_ANTI_JOIN, LoadDigests.Trusted.no("no digest is kept"));

    Kind kind() {
        return kind;
    }

    /** Opens the kept digest once, so that one of another load or other columns is known before any row is read. */
    private void checkDigestHeader() {
        try {
            openPrevious().close();
            LOG.debug("run {}: comparing with the digest of run {}", runId, previous.run());
        } catch (IOException e) {
            giveUp("this machine's digest " + e.getMessage() + " (a stale cache, or another machine loaded run "
                    + previous.run() + ")");
        }
    }

    private PublicationDigest.Reader openPrevious() throws IOException {
        return new PublicationDigest.Reader(
                digests.orElseThrow().file(spec.name()),
                previous.identity().orElseThrow(),
                LoadDigests.columns(spec.sources().get(0)));
    }

    /** The comparison with the last digest cannot go on: the load compares with the whole table. */
    void giveUp(String why) {
        LOG.info("run {} of {} compares with the whole table: {}", runId, spec.name(), why);
        kind = full;
        whyFull = why;
        previous = LoadDigests.Trusted.no(why);
    }

    /**
     * What sees each row of a source as it is written: the new digest, and the last one when comparing. Null when
     * this load keeps no digest.
     */
    PublicationTap tap(SourceSpec source) {
        if (digests.isEmpty()) {
            return null;
        }
        try {
            written = digests.get().newFile(spec.name(), runId);
            PublicationDigest.Writer writer = new PublicationDigest.Writer(written, LoadDigests.columns(source));
            int[] keys = LoadDigests.keyIndexes(source);
            int columns = source.columns().size();
            if (kind != Kind.DELTA) {
                return PublicationTap.recording(writer, keys, columns);
            }
            return PublicationTap.comparing(
                    writer, keys, columns, openPrevious(), digests.get().unmatchedFile(spec.name(), runId));
        } catch (IOException | UncheckedIOException e) {
            // A digest is an optimisation: without a writable cache the load compares fully, now and next time.
            LOG.warn("cannot write the digest of {}'s load: {}", spec.name(), e.getMessage());
            discard();
            written = null;
            if (kind == Kind.DELTA) {
                giveUp("this machine cannot read or write its digests (" + e.getMessage() + ")");
            }
            return null;
        }
    }

    /** The source was written through {@code tap}: its digest is complete. */
    void staged(PublicationTap tap, boolean grouped) {
        if (tap == null) {
            return;
        }
        identity = tap.finish();
        keysGrouped = grouped;
        rows = tap.rows();
        staged = tap.staged();
        unmatched = tap.unmatchedRows();
    }

    /**
     * Records this load's digest with the table as the load leaves it, in the load's transaction: call after every
     * write to the target.
     */
    void record(Connection connection) {
        if (identity == null) {
            return;
        }
        try {
            digests.orElseThrow().record(connection, spec, runId, identity, keysGrouped);
        } catch (SQLException e) {
            throw DatabaseException.of("cannot record the digest of " + spec.name() + "'s load", e);
        }
    }

    /** After the load committed: its digest becomes the one the next load compares with. */
    void keep() {
        if (identity != null && written != null) {
            digests.orElseThrow().keep(spec.name(), written);
        }
    }

    private void discard() {
        try {
            if (written != null) {
                Files.deleteIfExists(written);
            }
        } catch (IOException e) {
            // removed by the pipeline's next run
        }
    }

    /** How the publication was compared, for the run's record. */
    String describe() {
        if (kind == Kind.DELTA) {
            return String.format(
                    Locale.ROOT,
                    "with the last load's digest (run %d): %,d of %,d rows differed and were compared, %,d earlier"
                            + " rows unmatched",
                    previous.run(),
                    staged,
                    rows,
                    unmatched);
        }
        return "with the whole table: " + whyFull;
    }
}
