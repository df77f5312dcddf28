package dev.sluice.extract;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes {@code sluice.source_state}. Writes happen only in the transaction that records a successful or
 * unchanged run: remembering the ETag of a body that failed to load would make the next run skip it as 304.
 */
public final class SourceStateRepository {

    public Map<String, SourceState> load(Connection connection, String pipeline) throws SQLException {
        Map<String, SourceState> states = new HashMap<>();
        try (PreparedStatement st = connection.prepareStatement(
                "select source, url, etag, last_modified, sha256, bytes, rows from sluice.source_state where pipeline = ?")) {
            st.setString(1, pipeline);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    states.put(
                            rs.getString(1),
                            new SourceState(
                                    rs.getString(1),
                                    rs.getString(2),
                                    Optional.ofNullable(rs.getString(3)),
                                    Optional.ofNullable(rs.getString(4)),
                                    rs.getString(5),
                                    rs.getLong(6),
                                    rs.getLong(7)));
                }
            }
        }
        return states;
    }

    /**
     * @param rows rows read from each source in this run, or, for a source not read again, its remembered count
     */
    public void save(Connection connection, String pipeline, List<Download> downloads, Map<String, Long> rows)
            throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("""
                insert into sluice.source_state (pipeline, source, url, etag, last_modified, sha256, bytes, rows,
                                                 updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, now())
                on conflict (pipeline, source) do update set url = excluded.url, etag = excluded.etag,
                    last_modified = excluded.last_modified, sha256 = excluded.sha256, bytes = excluded.bytes, rows = excluded.rows,
                    updated_at = excluded.updated_at""")) {
            for (Download d : downloads) {
                st.setString(1, pipeline);
                st.setString(2, d.source());
                st.setString(3, d.url());
                st.setString(4, d.validators().etag().orElse(null));
                st.setString(5, d.validators().lastModified().orElse(null));
                st.setString(6, d.sha256());
                st.setLong(7, d.bytes());
                st.setLong(8, rows.getOrDefault(d.source(), 0L));
                st.addBatch();
            }
            st.executeBatch();
        }
    }
}
