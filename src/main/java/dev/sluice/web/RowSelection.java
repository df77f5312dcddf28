package dev.sluice.web;

import dev.sluice.config.LoadMode;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetColumn;
import dev.sluice.config.TargetSpec;
import io.javalin.http.Context;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which rows of a target a request asks for: {@code from} and {@code to} (dates, inclusive) on the time key, and
 * {@code COLUMN=VALUE} on any other key column ({@code ?country=Japan}), compared as text. A parameter that is
 * neither a known one nor a key column answers 400 naming the filters there are, so a typo never returns every row.
 */
final class RowSelection {
    private final TargetSpec target;
    private final Optional<TargetColumn> time;
    private final LocalDate from;
    private final LocalDate to;
    private final Map<TargetColumn, String> equal;
    private final Optional<Instant> asOf;

    private RowSelection(
            TargetSpec target,
            Optional<TargetColumn> time,
            LocalDate from,
            LocalDate to,
            Map<TargetColumn, String> equal,
            Optional<Instant> asOf) {
        this.target = target;
        this.time = time;
        this.from = from;
        this.to = to;
        this.equal = equal;
        this.asOf = asOf;
    }

    /** @param others the request's other parameters, which are not filters */
    static RowSelection of(Context ctx, PipelineSpec spec, Set<String> others) {
        Map<TargetColumn, String> equal = new LinkedHashMap<>();
        List<TargetColumn> keys = spec.seriesKeys();
        for (Map.Entry<String, List<String>> param : ctx.queryParamMap().entrySet()) {
            String name = param.getKey();
            if (name.equals("from") || name.equals("to") || name.equals("as_of") || others.contains(name)) {
                continue;
            }
            TargetColumn column = keys.stream()
                    .filter(c -> c.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new BadRequestException(
                            400,
                            "unknown parameter '" + dev.sluice.Excerpt.of(name, 40) + "'; the rows can be filtered by "
                                    + keys.stream().map(TargetColumn::name).toList() + " and from/to"));
            String value = param.getValue().isEmpty() ? "" : param.getValue().get(0);
            if (value.indexOf('\0') >= 0 || value.length() > 1000) {
                throw new BadRequestException(400, name + " is not a value a key holds");
            }
            equal.put(column, value);
        }
        Optional<Instant> asOf = QueryParameters.instant(ctx, "as_of");
        if (asOf.isPresent() && spec.target().mode() != LoadMode.HISTORY) {
            throw new BadRequestException(400, "as_of is for a table of mode history");
        }
        return new RowSelection(
                spec.target(),
                spec.timeKey(),
                QueryParameters.date(ctx, "from").orElse(null),
                QueryParameters.date(ctx, "to").orElse(null),
                equal,
                asOf);
    }

    /**
     * The rows the dashboard shows: a history table's versions current at {@code as_of} (now, by default), a soft
     * mirror's rows not deleted, anyone else's table as it is. Its placeholders come first: {@link #bindRelation}.
     */
    String liveRelation() {
        return asOf.isEmpty() ? currentRows(target) : live(target, true);
    }

    /** The rows shown now: a history table's current versions, a soft mirror's rows not deleted, else the table. */
    static String currentRows(TargetSpec target) {
        return live(target, false);
    }

    private static String live(TargetSpec target, boolean asOf) {
        String table = target.qualifiedName();
        if (target.mode() == LoadMode.HISTORY) {
            String validFrom = SqlIdentifier.quote(TargetSpec.VALID_FROM);
            String validTo = SqlIdentifier.quote(TargetSpec.VALID_TO);
            return asOf
                    ? "(select * from " + table + " where " + validFrom + " <= ? and (" + validTo + " is null or "
                            + validTo + " > ?)) as live"
                    : "(select * from " + table + " where " + validTo + " is null) as live";
        }
        if (target.mode() == LoadMode.MIRROR && target.deletes() == TargetSpec.Deletes.SOFT) {
            return "(select * from " + table + " where " + SqlIdentifier.quote(TargetSpec.DELETED_AT)
                    + " is null) as live";
        }
        return table;
    }

    /**
     * The rows the rows endpoints answer: every version of a history table unless {@code as_of} names a time, then
     * the versions current at it.
     */
    String rowsRelation() {
        return target.mode() == LoadMode.HISTORY && asOf.isEmpty() ? target.qualifiedName() : liveRelation();
    }

    /** Binds the {@code as_of} placeholders of a relation, if it has them; returns the next index. */
    int bindRelation(PreparedStatement st, int first) throws SQLException {
        if (target.mode() != LoadMode.HISTORY || asOf.isEmpty()) {
            return first;
        }
        st.setObject(first, asOf.get().atOffset(java.time.ZoneOffset.UTC));
        st.setObject(first + 1, asOf.get().atOffset(java.time.ZoneOffset.UTC));
        return first + 2;
    }

    /** Whether the request names a value for {@code column}. */
    boolean pins(TargetColumn column) {
        return equal.containsKey(column);
    }

    Map<TargetColumn, String> pinned() {
        return equal;
    }

    /** {@code where ...} on the key columns and the time (or nothing), with the placeholders {@link #bind} fills. */
    String where() {
        List<String> conditions = new ArrayList<>(keyConditions());
        time.ifPresent(t -> conditions.add(timeCondition(SqlIdentifier.quote(t.name()))));
        return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
    }

    /** Binds the placeholders of {@link #rowsRelation} and {@link #where} from {@code first}; returns the next. */
    int bind(PreparedStatement st, int first) throws SQLException {
        int next = bindKeys(st, bindRelation(st, first));
        return time.isPresent() ? bindTime(st, next) : next;
    }

    /** {@code where ...} on the key columns only (or nothing). */
    String keyWhere() {
        List<String> conditions = keyConditions();
        return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
    }

    private List<String> keyConditions() {
        return equal.keySet().stream()
                .map(c -> SqlIdentifier.quote(c.name()) + "::text = ?")
                .toList();
    }

    int bindKeys(PreparedStatement st, int first) throws SQLException {
        int i = first;
        for (String value : equal.values()) {
            st.setString(i++, value);
        }
        return i;
    }

    /** {@code expression} within from and to (whole days, inclusive), either of which may be absent. */
    static String timeCondition(String expression) {
        return "(?::date is null or " + expression + " >= ?::date) and (?::date is null or " + expression
                + " < ?::date + 1)";
    }

    int bindTime(PreparedStatement st, int first) throws SQLException {
        st.setObject(first, from);
        st.setObject(first + 1, from);
        st.setObject(first + 2, to);
        st.setObject(first + 3, to);
        return first + 4;
    }
}
