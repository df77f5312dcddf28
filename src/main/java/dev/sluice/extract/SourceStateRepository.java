package dev.sluice.extract;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Reads and writes {@code sluice.source_state}: one row per file of each source. Writes happen only in the
 * transaction that records a successful or unchanged run: remembering the ETag of a body that failed to load would
 * make the next run skip it as 304.
 */
public final class SourceStateRepository {

    /** What the last good load remembered of each source's files, by source, in URL order. */
    public Map<String, List<SourceState>> load(Connection connection, String pipeline) throws SQLException {
        Map<String, List<SourceState>> states = new LinkedHashMap<>();
        try (PreparedStatement st = connection.prepareStatement(
                "select source, url, etag, last_modified, sha256, bytes, rows, header from sluice.source_state"
                        + " where pipeline = ? order by source, url")) {
            st.setString(1, pipeline);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    states.computeIfAbsent(rs.getString(1), source -> new ArrayList<>())
                            .add(new SourceState(
                                    rs.getString(1),
                                    rs.getString(2),
                                    Optional.ofNullable(rs.getString(3)),
                                    Optional.ofNullable(rs.getString(4)),
                                    rs.getString(5),
                                    rs.getLong(6),
                                    rs.getLong(7),
                                    rs.getArray(8) == null
                                            ? List.of()
                                            : List.of((String[]) rs.getArray(8).getArray())));
                }
            }
        }
        return states;
    }

    /**
     * Remembers every file of the sources downloaded, and forgets the files those sources no longer have.
     *
     * @param rows    rows read from each file in this run, or, for a file not read again, its remembered count
     * @param headers each file's header as read in this run; empty to keep the one remembered
     * @param seen    when the run saw these bodies: a file whose sha256 is new changed then
     */
    public void save(
            Connection connection,
            String pipeline,
            List<Download> downloads,
            ToLongFunction<Download> rows,
            Function<Download, List<String>> headers,
            Instant seen)
            throws SQLException {
        Map<String, List<String>> urls = new LinkedHashMap<>();
        downloads.forEach(d ->
                urls.computeIfAbsent(d.source(), source -> new ArrayList<>()).add(d.url()));
        try (PreparedStatement st = connection.prepareStatement(
                "delete from sluice.source_state where pipeline = ? and source = ? and url <> all (?)")) {
            for (Map.Entry<String, List<String>> source : urls.entrySet()) {
                Array kept = connection.createArrayOf("text", source.getValue().toArray());
                st.setString(1, pipeline);
                st.setString(2, source.getKey());
                st.setArray(3, kept);
                st.addBatch();
            }
            st.executeBatch();
        }
        try (PreparedStatement st = connection.prepareStatement("""
                insert into sluice.source_state (pipeline, source, url, etag, last_modified, sha256, bytes, rows,
                                                 header, updated_at, changed_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?)
                on conflict (pipeline, source, url) do update set etag = excluded.etag,
                    last_modified = excluded.last_modified, sha256 = excluded.sha256, bytes = excluded.bytes,
                    rows = excluded.rows, header = coalesce(excluded.header, source_state.header),
                    updated_at = excluded.updated_at,
                    changed_at = case when source_state.sha256 = excluded.sha256 then source_state.changed_at
                                      else excluded.changed_at end""")) {
            for (Download d : downloads) {
                st.setString(1, pipeline);
                st.setString(2, d.source());
                st.setString(3, d.url());
                st.setString(4, d.validators().etag().orElse(null));
                st.setString(5, d.validators().lastModified().orElse(null));
                st.setString(6, d.sha256());
                st.setLong(7, d.bytes());
                st.setLong(8, rows.applyAsLong(d));
                List<String> header = headers.apply(d);
                st.setArray(9, header.isEmpty() ? null : connection.createArrayOf("text", header.toArray()));
                st.setTimestamp(10, Timestamp.from(seen));
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    /** When each source's content last changed: the newest change of any of its files. */
    public Map<String, Instant> lastChanged(Connection connection, String pipeline) throws SQLException {
        Map<String, Instant> changed = new LinkedHashMap<>();
        try (PreparedStatement st = connection.prepareStatement("select source, max(changed_at) from"
                + " sluice.source_state where pipeline = ? group by source order by source")) {
            st.setString(1, pipeline);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    changed.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                }
            }
        }
        return changed;
    }
}
