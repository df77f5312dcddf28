package dev.sluice.health;

import dev.sluice.UtcMinute;
import dev.sluice.config.ColumnType;
import dev.sluice.config.Freshness;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetColumn;
import dev.sluice.history.FeedState;
import dev.sluice.history.FeedStatus;
import dev.sluice.history.FeedTransition;
import dev.sluice.notify.Outbox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Judges each expected source of a pipeline ({@link FreshnessCheck}) and keeps its state in
 * {@code sluice.feed_health}: a change of state (late, recovered) is recorded as an event and {@link #tell} enqueues
 * its notifications in the caller's transaction, so it is told once, whoever noticed it (a run, {@code serve} between runs, the
 * function). Each source's row is locked while it is judged: two processes never both record the same transition.
 */
public final class FeedHealth {
    private final Outbox outbox;

    public FeedHealth(Outbox outbox) {
        this.outbox = outbox;
    }

    /** What one evaluation found: every expected source's state, and the transitions it recorded. */
    public record Evaluation(List<FeedStatus> statuses, List<FeedTransition> transitions) {
        public static final Evaluation NONE = new Evaluation(List.of(), List.of());

        public Evaluation {
            statuses = List.copyOf(statuses);
            transitions = List.copyOf(transitions);
        }

        /** One warning per late source, for the run that found it late. */
        public List<String> lateWarnings() {
            return statuses.stream()
                    .filter(FeedStatus::late)
                    .map(s -> s.source() + " is late since " + UtcMinute.format(s.since()) + ": " + s.reason())
                    .toList();
        }
    }

    /**
     * Judges the pipeline's expected sources at {@code now}, inside the caller's transaction. With
     * {@code dataChanged} (a load is being committed) the newest value of the time key is read from the target again;
     * otherwise the one remembered is used, and read only when none is.
     *
     * @param lastChanged when each source's content last changed, as the sources' state remembers it
     */
    public Evaluation evaluate(
            Connection connection,
            PipelineSpec spec,
            Instant now,
            boolean dataChanged,
            Map<String, Instant> lastChanged)
            throws SQLException {
        forgetUnexpected(connection, spec);
        if (!spec.freshness().declared()) {
            return Evaluation.NONE;
        }
        Optional<FreshnessCheck.DataLatest> data = Optional.empty();
        boolean dataRead = false;
        List<FeedStatus> statuses = new ArrayList<>();
        List<FeedTransition> transitions = new ArrayList<>();
        for (String source : spec.sources().stream().map(s -> s.name()).toList()) {
            Optional<Freshness.Expected> expected = spec.freshness().of(source);
            if (expected.isEmpty()) {
                continue;
            }
            Stored stored = lock(connection, spec.name(), source, now);
            if (expected.get().dataWithin().isPresent()) {
                if (!dataRead && (dataChanged || stored.dataLatest().isEmpty())) {
                    data = dataLatest(connection, spec);
                    dataRead = true;
                } else if (!dataRead) {
                    data = stored.dataLatest().map(at -> new FreshnessCheck.DataLatest(at, dateKey(spec)));
                }
            }
            Optional<FreshnessCheck.DataLatest> dataOfSource =
                    expected.get().dataWithin().isPresent() ? data : Optional.empty();
            Optional<Instant> changed = Optional.ofNullable(lastChanged.get(source));
            FreshnessCheck.Verdict verdict = FreshnessCheck.judge(expected.get(), changed, dataOfSource, now);
            Instant since = stored.state() == verdict.state() ? stored.since() : now;
            if (stored.state() != verdict.state()) {
                transitions.add(record(connection, spec, source, verdict, now, stored));
            }
            save(connection, spec.name(), source, verdict, since, changed, dataOfSource, now);
            statuses.add(new FeedStatus(
                    spec.name(),
                    source,
                    verdict.state(),
                    since,
                    verdict.reason(),
                    changed,
                    dataOfSource.map(FreshnessCheck.DataLatest::value),
                    now,
                    expected.get().describe()));
        }
        return new Evaluation(statuses, transitions);
    }

    /**
     * Enqueues the notifications of an evaluation's transitions, in the caller's transaction: after a run's own, so a
     * channel hears of the run first and then of what it made of the feed.
     */
    public void tell(Connection connection, PipelineSpec spec, Evaluation evaluation) {
        evaluation.transitions().forEach(t -> outbox.enqueue(connection, t, spec.notifications()));
    }

    /** A source's row as it was: a source judged for the first time counts as fresh, so only lateness is told. */
    private record Stored(FeedState state, Instant since, Optional<Instant> dataLatest) {}

    private static Stored lock(Connection connection, String pipeline, String source, Instant now) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("insert into sluice.feed_health (pipeline, source,"
                + " state, since, reason, evaluated_at) values (?, ?, 'FRESH', ?, 'not judged yet', ?)"
                + " on conflict (pipeline, source) do nothing")) {
            st.setString(1, pipeline);
            st.setString(2, source);
            st.setTimestamp(3, Timestamp.from(now));
            st.setTimestamp(4, Timestamp.from(now));
            st.executeUpdate();
        }
        try (PreparedStatement st = connection.prepareStatement("select state, since, data_latest from"
                + " sluice.feed_health where pipeline = ? and source = ? for update")) {
            st.setString(1, pipeline);
            st.setString(2, source);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return new Stored(
                        FeedState.valueOf(rs.getString(1)),
                        rs.getTimestamp(2).toInstant(),
                        Optional.ofNullable(rs.getTimestamp(3)).map(Timestamp::toInstant));
            }
        }
    }

    private FeedTransition record(
            Connection connection,
            PipelineSpec spec,
            String source,
            FreshnessCheck.Verdict verdict,
            Instant now,
            Stored stored)
            throws SQLException {
        Optional<Instant> lateSince =
                verdict.state() == FeedState.FRESH ? Optional.of(stored.since()) : Optional.empty();
        long id;
        try (PreparedStatement st = connection.prepareStatement("insert into sluice.feed_events (pipeline, source,"
                + " state, at, reason, late_since) values (?, ?, ?, ?, ?, ?) returning id")) {
            st.setString(1, spec.name());
            st.setString(2, source);
            st.setString(3, verdict.state().name());
            st.setTimestamp(4, Timestamp.from(now));
            st.setString(5, verdict.reason());
            st.setTimestamp(6, lateSince.map(Timestamp::from).orElse(null));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        return new FeedTransition(id, spec.name(), source, verdict.state(), now, verdict.reason(), lateSince);
    }

    private static void save(
            Connection connection,
            String pipeline,
            String source,
            FreshnessCheck.Verdict verdict,
            Instant since,
            Optional<Instant> changed,
            Optional<FreshnessCheck.DataLatest> data,
            Instant now)
            throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("update sluice.feed_health set state = ?, since = ?,"
                + " reason = ?, last_changed_at = ?, data_latest = coalesce(?, data_latest), evaluated_at = ?"
                + " where pipeline = ? and source = ?")) {
            st.setString(1, verdict.state().name());
            st.setTimestamp(2, Timestamp.from(since));
            st.setString(3, verdict.reason());
            st.setTimestamp(4, changed.map(Timestamp::from).orElse(null));
            st.setTimestamp(5, data.map(d -> Timestamp.from(d.value())).orElse(null));
            st.setTimestamp(6, Timestamp.from(now));
            st.setString(7, pipeline);
            st.setString(8, source);
            st.executeUpdate();
        }
    }

    /** A source no longer expected (or gone from the file) has no state: it is neither late nor fresh. */
    private static void forgetUnexpected(Connection connection, PipelineSpec spec) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "delete from sluice.feed_health where pipeline = ? and source <> all (?)")) {
            st.setString(1, spec.name());
            st.setArray(
                    2,
                    connection.createArrayOf(
                            "text", spec.freshness().bySource().keySet().toArray()));
            st.executeUpdate();
        }
    }

    private static boolean dateKey(PipelineSpec spec) {
        return spec.timeKey().map(c -> c.type() == ColumnType.DATE).orElse(false);
    }

    /** The newest value of the target's time key; empty before the target exists or while it has no rows. */
    private static Optional<FreshnessCheck.DataLatest> dataLatest(Connection connection, PipelineSpec spec)
            throws SQLException {
        Optional<TargetColumn> time = spec.timeKey();
        if (time.isEmpty()) {
            return Optional.empty();
        }
        try (PreparedStatement st = connection.prepareStatement("select to_regclass(?) is not null")) {
            st.setString(1, spec.target().qualifiedName());
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return Optional.empty();
                }
            }
        }
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(
                        "select max(" + SqlIdentifier.quote(time.get().name()) + ") from "
                                + spec.target().qualifiedName())) {
            rs.next();
            if (rs.getObject(1) == null) {
                return Optional.empty();
            }
            return Optional.of(
                    switch (time.get().type()) {
                        case DATE -> FreshnessCheck.DataLatest.ofDate(rs.getObject(1, LocalDate.class));
                        case TIMESTAMPTZ ->
                            new FreshnessCheck.DataLatest(
                                    rs.getObject(1, OffsetDateTime.class).toInstant(), false);
                        default ->
                            new FreshnessCheck.DataLatest(
                                    rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC), false);
                    });
        }
    }

    /** Every judged source of these pipelines, by pipeline and source. */
    public static List<FeedStatus> statuses(Connection connection, List<PipelineSpec> specs) throws SQLException {
        List<FeedStatus> statuses = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement("select pipeline, source, state, since, reason,"
                + " last_changed_at, data_latest, evaluated_at from sluice.feed_health where pipeline = any (?)"
                + " order by pipeline, source")) {
            st.setArray(
                    1,
                    connection.createArrayOf(
                            "text", specs.stream().map(PipelineSpec::name).toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String pipeline = rs.getString(1);
                    String source = rs.getString(2);
                    Optional<Freshness.Expected> expected = specs.stream()
                            .filter(s -> s.name().equals(pipeline))
                            .findFirst()
                            .flatMap(s -> s.freshness().of(source));
                    if (expected.isEmpty()) {
                        continue; // no longer expected: forgotten by the pipeline's next evaluation
                    }
                    statuses.add(new FeedStatus(
                            pipeline,
                            source,
                            FeedState.valueOf(rs.getString(3)),
                            rs.getTimestamp(4).toInstant(),
                            rs.getString(5),
                            Optional.ofNullable(rs.getTimestamp(6)).map(Timestamp::toInstant),
                            Optional.ofNullable(rs.getTimestamp(7)).map(Timestamp::toInstant),
                            rs.getTimestamp(8).toInstant(),
                            expected.get().describe()));
                }
            }
        }
        return statuses;
    }

    /** When a source's content last changed: for the metrics of every source, expected or not. */
    public record SourceChange(String pipeline, String source, Instant changedAt) {}

    /** The last change of every source of these pipelines, from the sources' state. */
    public static List<SourceChange> lastChanges(Connection connection, List<String> pipelines) throws SQLException {
        List<SourceChange> changes = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement("select pipeline, source, max(changed_at) from"
                + " sluice.source_state where pipeline = any (?) group by 1, 2 order by 1, 2")) {
            st.setArray(1, connection.createArrayOf("text", pipelines.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    changes.add(new SourceChange(
                            rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()));
                }
            }
        }
        return changes;
    }
}
