package dev.sluice.history;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.db.DatabaseException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * {@code sluice.rejected_rows}: the rows a run quarantined ({@code invalid_rows: quarantine}), each with where it is,
 * its first problem and the row as read. While a source streams into its COPY, its rejected rows go to a local file
 * (the connection is busy, and there may be many); after the source's COPY they are copied in, in the run's
 * transaction, so a failed run keeps none. Only the pipeline's latest {@code quarantine_runs} runs keep theirs.
 */
public final class RejectedRows {
    /** One rejected row, as the API and {@code history --rejected} show it. */
    public record Rejected(
            String source, String file, long line, String column, String value, String reason, String rawLine) {}

    /** A source's rejected rows of one run, on their way to the table. */
    public static final class Batch implements AutoCloseable {
        private final Path file;
        private final String prefix;
        private final BufferedWriter out;
        private long rows;

        private Batch(Path file, long runId, String pipeline, String source) throws IOException {
            this.file = file;
            this.prefix = runId + "," + field(pipeline) + "," + field(source) + ",";
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        }

        /** Adds a row (called from the reading thread, as the source streams). */
        public void add(String fileLabel, long line, String column, String value, String reason, String rawLine) {
            try {
                out.write(prefix);
                out.write(String.join(
                        ",",
                        field(fileLabel),
                        String.valueOf(line),
                        field(column),
                        field(value),
                        field(reason),
                        field(rawLine)));
                out.write('\n');
                rows++;
            } catch (IOException e) {
                throw new SluiceException(ErrorKind.LOCAL_IO, "cannot keep a rejected row in " + file, e);
            }
        }

        public long rows() {
            return rows;
        }

        /** A CSV field for COPY: NULL unquoted and empty, anything else quoted, NUL shown as U+2400. */
        private static String field(String text) {
            if (text == null) {
                return "";
            }
            return '"' + text.replace('\0', '\u2400').replace("\"", "\"\"") + '"';
        }

        @Override
        public void close() {
            try {
                out.close();
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // A leftover temporary file is harmless; the OS cleans its temporary directory.
            }
        }
    }

    private final Path tempDir;

    public RejectedRows(Path tempDir) {
        this.tempDir = tempDir;
    }

    /** A new batch for one source of one run. */
    public Batch open(long runId, String pipeline, String source) {
        try {
            Files.createDirectories(tempDir);
            return new Batch(
                    Files.createTempFile(tempDir, "sluice-rejected-" + source + "-", ".csv"), runId, pipeline, source);
        } catch (IOException e) {
            throw new SluiceException(ErrorKind.LOCAL_IO, "cannot create a file for rejected rows in " + tempDir, e);
        }
    }

    /** Copies a batch into the table, in the caller's transaction (after the source's own COPY ended). */
    public void store(Connection connection, Batch batch) {
        if (batch.rows == 0) {
            return;
        }
        try {
            batch.out.flush();
            try (Reader in = Files.newBufferedReader(batch.file, StandardCharsets.UTF_8)) {
                connection
                        .unwrap(PGConnection.class)
                        .getCopyAPI()
                        .copyIn(
                                "copy sluice.rejected_rows (run_id, pipeline, source, file, line, column_name, value,"
                                        + " reason, raw_line) from stdin with (format csv)",
                                in);
            }
        } catch (SQLException e) {
            throw DatabaseException.of("cannot keep the rejected rows", e);
        } catch (IOException e) {
            throw new SluiceException(ErrorKind.LOCAL_IO, "cannot read the rejected rows in " + batch.file, e);
        }
    }

    /** Forgets the rejected rows of all but the pipeline's latest {@code keptRuns} runs that have some. */
    public void prune(Connection connection, String pipeline, int keptRuns) {
        try (PreparedStatement st = connection.prepareStatement("delete from sluice.rejected_rows where pipeline = ?"
                + " and run_id < (select coalesce(min(run_id), 0) from (select distinct run_id from"
                + " sluice.rejected_rows where pipeline = ? order by run_id desc limit ?) kept)")) {
            st.setString(1, pipeline);
            st.setString(2, pipeline);
            st.setInt(3, keptRuns);
            st.executeUpdate();
        } catch (SQLException e) {
            throw DatabaseException.of("cannot prune the rejected rows of " + pipeline, e);
        }
    }

    /** A run's rejected rows in source, file and line order, at most {@code limit}. */
    public static List<Rejected> read(Connection connection, long runId, int limit) throws SQLException {
        return read(connection, runId, limit, 0);
    }

    /** The longest raw line answered: rows stored before lines were cut when kept are cut when read. */
    public static final int RAW_LINE_CHARS = 10_000;

    /** A page of a run's rejected rows, in file and line order. */
    public static List<Rejected> read(Connection connection, long runId, int limit, long offset) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("select source, file, line, column_name, value,"
                + " reason, left(raw_line, " + RAW_LINE_CHARS + ") from sluice.rejected_rows where run_id = ? order by"
                + " source, file nulls first, line limit ? offset ?")) {
            st.setLong(1, runId);
            st.setInt(2, limit);
            st.setLong(3, offset);
            List<Rejected> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Rejected(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getLong(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7)));
                }
            }
            return rows;
        }
    }
}
