package dev.sluice.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.DashboardSpec;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.ServedPipelines;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetColumn;
import dev.sluice.health.FeedHealth;
import dev.sluice.history.FeedStatus;
import dev.sluice.history.RunJson;
import dev.sluice.history.RunRepository;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The data behind the charts, read through the dashboard's SELECT-only connection: the pipelines served, a target
 * table's rows (JSON or CSV, streamed, in key order, optionally between two dates), its chart series and a summary.
 */
final class DataApi {
    private static final int FETCH_SIZE = 5_000;

    private final Supplier<ServedPipelines> pipelines;
    private final DataSource reader;
    private final RunRepository runs;
    private final CachedAnswers answers;

    DataApi(Supplier<ServedPipelines> pipelines, DataSource reader, RunRepository runs, CachedAnswers answers) {
        this.pipelines = pipelines;
        this.reader = reader;
        this.runs = runs;
        this.answers = answers;
    }

    /** Builds an answer's JSON on a connection of its own. */
    private interface Answer {
        void fill(Connection c, ObjectNode json) throws SQLException;
    }

    /**
     * Answers with the JSON {@code answer} builds for this version of the pipeline's data: computed once per version
     * and request, however many people ask.
     */
    private void answerOnce(Context ctx, PipelineSpec spec, Answer answer) throws SQLException {
        long version;
        try (Connection c = reader.getConnection()) {
            version = runs.lastGoodLoad(c, spec.name())
                    .map(RunRepository.GoodLoad::runId)
                    .orElse(0L);
        }
        String request = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        byte[] body = answers.answer(spec.name(), version, spec.fingerprint(), request, () -> {
            ObjectNode json = RunJson.MAPPER.createObjectNode();
            json.put("pipeline", spec.name());
            try (Connection c = reader.getConnection()) {
                answer.fill(c, json);
            }
            try {
                return RunJson.MAPPER.writeValueAsBytes(json);
            } catch (IOException e) {
                throw new IllegalStateException("a JSON tree always serialises", e);
            }
        });
        ctx.contentType("application/json; charset=utf-8").result(body);
    }

    private Optional<PipelineSpec> pipeline(Context ctx) {
        Optional<PipelineSpec> spec = pipelines.get().find(ctx.pathParam("name"));
        if (spec.isEmpty()) {
            JsonResponses.error(ctx, 404, "no pipeline named " + ctx.pathParam("name"));
        }
        return spec;
    }

    /** The pipeline files that could not be read, which the dashboard shows above everything else. */
    void unreadableFiles(Context ctx) {
        ArrayNode array = RunJson.MAPPER.createArrayNode();
        for (ServedPipelines.Unreadable file : pipelines.get().unreadable()) {
            array.addObject()
                    .put("file", file.file())
                    .put("problem", file.problem())
                    .put("since", file.since().toString())
                    .put("stillRuns", file.stillRuns().orElse(null));
        }
        JsonResponses.json(ctx, array);
    }

    void list(Context ctx) throws SQLException {
        ArrayNode array = RunJson.MAPPER.createArrayNode();
        List<PipelineSpec> specs = pipelines.get().pipelines();
        List<FeedStatus> freshness;
        try (Connection c = reader.getConnection()) {
            freshness = FeedHealth.statuses(c, specs);
        }
        for (PipelineSpec spec : specs) {
            ObjectNode json = array.addObject();
            // Each expected source's state as last judged (by a run, or by serve between runs): never cached.
            ArrayNode health = json.putArray("feedHealth");
            freshness.stream()
                    .filter(f -> f.pipeline().equals(spec.name()))
                    .forEach(f -> health.addObject()
                            .put("source", f.source())
                            .put("state", f.state().name())
                            .put("since", f.since().toString())
                            .put("reason", f.reason())
                            .put("expected", f.expected()));
            DashboardSpec view = SeriesQuery.viewOf(spec);
            json.put("name", spec.name());
            json.put("description", spec.description());
            json.put("title", view.title());
            json.put("banner", view.banner().orElse(null));
            json.put("table", spec.target().schema() + "." + spec.target().table());
            json.put("timeKey", spec.timeKey().map(TargetColumn::name).orElse(null));
            json.put(
                    "timeType",
                    spec.timeKey()
                            .map(c -> c.type().name().toLowerCase(java.util.Locale.ROOT))
                            .orElse(null));
            ArrayNode seriesKeys = json.putArray("seriesKeys");
            spec.seriesKeys().forEach(c -> seriesKeys.add(c.name()));
            json.put("aggregate", view.aggregate().name().toLowerCase(java.util.Locale.ROOT));
            json.put("perSeries", SeriesQuery.perSeries(spec));
            json.put("chartable", SeriesQuery.chartable(spec));
            json.put("generic", spec.dashboard().isEmpty());
            json.put("mode", spec.target().mode().name().toLowerCase(java.util.Locale.ROOT));
            ArrayNode columns = json.putArray("columns");
            spec.target()
                    .allColumns()
                    .forEach(c -> columns.addObject()
                            .put("name", c.name())
                            .put("type", c.type().name().toLowerCase(java.util.Locale.ROOT))
                            .put("key", c.key()));
            json.set("cumulative", RunJson.MAPPER.valueToTree(view.cumulative()));
            json.set("units", RunJson.MAPPER.valueToTree(view.units()));
            json.set("daily", RunJson.MAPPER.valueToTree(view.daily()));
            ArrayNode ratios = json.putArray("ratios");
            view.ratios().forEach(r -> ratios.addObject().put("name", r.name()).put("label", r.label()));
            ArrayNode credits = json.putArray("credits");
            view.credits()
                    .forEach(c -> credits.addObject()
                            .put("text", c.text())
                            .put("url", c.url())
                            .put("licence", c.licence()));
            spec.schedule().ifPresent(s -> json.put("schedule", s.cron() + " " + s.zone()));
        }
        JsonResponses.json(ctx, array);
    }

    /** The parameters of the rows endpoints that are not filters. */
    private static final java.util.Set<String> PAGING = java.util.Set.of("limit", "offset", "sort", "dir");

    /** A page of rows: at most {@code limit} from {@code offset}, ordered by a column, then the key. */
    private record Page(Optional<Integer> limit, long offset, Optional<TargetColumn> sort, boolean descending) {
        static final Page ALL = new Page(Optional.empty(), 0, Optional.empty(), false);

        static Page of(Context ctx, PipelineSpec spec) {
            Optional<Integer> limit = ctx.queryParam("limit") == null
                    ? Optional.empty()
                    : Optional.of(QueryParameters.limit(ctx, 100, 1000));
            long offset = QueryParameters.offset(ctx);
            Optional<TargetColumn> sort = Optional.ofNullable(ctx.queryParam("sort"))
                    .map(name -> spec.target().allColumns().stream()
                            .filter(c -> c.name().equals(name))
                            .findFirst()
                            .orElseThrow(() -> new BadRequestException(400, "sort must name a column of the table")));
            String dir = Optional.ofNullable(ctx.queryParam("dir")).orElse("asc");
            if (!dir.equals("asc") && !dir.equals("desc")) {
                throw new BadRequestException(400, "dir must be asc or desc");
            }
            return new Page(limit, offset, sort, dir.equals("desc"));
        }
    }

    private static String rowsSql(PipelineSpec spec, RowSelection selection, Page page) {
        String columns = spec.target().allColumns().stream()
                .map(c -> SqlIdentifier.quote(c.name()))
                .collect(Collectors.joining(", "));
        List<String> order = new java.util.ArrayList<>();
        page.sort()
                .ifPresent(c ->
                        order.add(SqlIdentifier.quote(c.name()) + (page.descending() ? " desc" : "") + " nulls last"));
        spec.target().keyColumns().forEach(c -> order.add(SqlIdentifier.quote(c.name())));
        if (spec.target().keyColumns().isEmpty()) {
            // A table without a key (append, replace) pages in the order its rows were stored.
            order.add("ctid");
        }
        return "select " + columns + " from " + selection.rowsRelation() + selection.where() + " order by "
                + String.join(", ", order)
                + page.limit().map(n -> " limit " + n).orElse("")
                + (page.offset() > 0 ? " offset " + page.offset() : "");
    }

    /** Runs the rows query with a cursor, so a million-row table streams instead of filling memory. */
    private interface RowWriter {
        void write(ResultSet rs) throws SQLException, IOException;
    }

    private void streamRows(PipelineSpec spec, RowSelection selection, Page page, RowWriter writer)
            throws SQLException, IOException {
        try (Connection c = reader.getConnection()) {
            c.setAutoCommit(false);
            boolean exists = targetExists(c, spec);
            // A pipeline never loaded has no table yet: it has no rows, which is not an error.
            try (PreparedStatement st =
                    c.prepareStatement(exists ? rowsSql(spec, selection, page) : "select 1 where false")) {
                st.setFetchSize(FETCH_SIZE);
                if (exists) {
                    selection.bind(st, 1);
                }
                try (ResultSet rs = st.executeQuery()) {
                    writer.write(rs);
                }
            } finally {
                c.rollback();
            }
        }
    }

    /** Whether the target table exists: not before the pipeline's first successful load. */
    static boolean targetExists(Connection c, PipelineSpec spec) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("select to_regclass(?) is not null")) {
            st.setString(1, spec.target().qualifiedName());
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    void rows(Context ctx) throws SQLException, IOException {
        Optional<PipelineSpec> spec = pipeline(ctx);
        if (spec.isEmpty()) {
            return;
        }
        RowSelection selection = RowSelection.of(ctx, spec.get(), PAGING);
        Page page = Page.of(ctx, spec.get());
        List<TargetColumn> columns = spec.get().target().allColumns();
        ctx.contentType("application/json; charset=utf-8");
        OutputStream out = ctx.outputStream();
        streamRows(spec.get(), selection, page, rs -> {
            try (JsonGenerator json = RunJson.MAPPER.getFactory().createGenerator(out)) {
                json.writeStartArray();
                while (rs.next()) {
                    json.writeStartObject();
                    for (int i = 0; i < columns.size(); i++) {
                        json.writeFieldName(columns.get(i).name());
                        JsonResponses.writeValue(json, rs, i + 1, columns.get(i).type());
                    }
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
        });
    }

    void rowsCsv(Context ctx) throws SQLException, IOException {
        Optional<PipelineSpec> spec = pipeline(ctx);
        if (spec.isEmpty()) {
            return;
        }
        RowSelection selection = RowSelection.of(ctx, spec.get(), java.util.Set.of());
        List<TargetColumn> columns = spec.get().target().allColumns();
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header(
                "Content-Disposition",
                "attachment; filename=\"" + spec.get().target().table() + ".csv\"");
        Writer out = new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8);
        streamRows(spec.get(), selection, Page.ALL, rs -> {
            out.write(columns.stream().map(TargetColumn::name).collect(Collectors.joining(",")) + "\n");
            while (rs.next()) {
                for (int i = 0; i < columns.size(); i++) {
                    if (i > 0) {
                        out.write(',');
                    }
                    String value = rs.getString(i + 1);
                    out.write(value == null ? "" : csvField(value));
                }
                out.write('\n');
            }
            out.flush();
        });
    }

    /** Quotes a field when it holds a comma, quote or line break; a leading = + - @ is neutralised for spreadsheets. */
    static String csvField(String value) {
        String safe = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 && !value.matches("-?\\d+(\\.\\d+)?")
                ? "'" + value
                : value;
        if (safe.indexOf(',') >= 0 || safe.indexOf('"') >= 0 || safe.indexOf('\n') >= 0 || safe.indexOf('\r') >= 0) {
            return '"' + safe.replace("\"", "\"\"") + '"';
        }
        return safe;
    }

    void series(Context ctx) throws SQLException {
        Optional<PipelineSpec> spec = pipeline(ctx);
        if (spec.isEmpty()) {
            return;
        }
        if (!SeriesQuery.chartable(spec.get())) {
            JsonResponses.error(ctx, 404, spec.get().name() + " has no date or time key and numeric column to chart");
            return;
        }
        RowSelection selection = RowSelection.of(ctx, spec.get(), java.util.Set.of());
        SeriesQuery query = SeriesQuery.of(spec.get(), selection);
        answerOnce(ctx, spec.get(), (c, json) -> {
            ObjectNode key = json.putObject("key");
            selection.pinned().forEach((column, value) -> key.put(column.name(), value));
            ArrayNode dates = json.putArray("dates");
            ObjectNode series = json.putObject("series");
            Map<String, ArrayNode> arrays = new LinkedHashMap<>();
            query.series().forEach(s -> arrays.put(s.label(), series.putArray(s.name())));
            if (targetExists(c, spec.get())) {
                addSeries(c, query, dates, arrays);
            }
        });
    }

    /**
     * The series of a table keyed by more than a time: each value of the rest of its key, with its latest value of
     * the first charted column, largest first; {@code q} searches them, {@code limit} and {@code offset} page.
     */
    void entities(Context ctx) throws SQLException {
        Optional<PipelineSpec> spec = pipeline(ctx);
        if (spec.isEmpty()) {
            return;
        }
        int limit = QueryParameters.limit(ctx, 10, 500);
        long offset = QueryParameters.offset(ctx);
        String search = Optional.ofNullable(ctx.queryParam("q")).orElse("").strip();
        if (search.indexOf('\0') >= 0 || search.length() > 200) {
            throw new BadRequestException(400, "q is not a text to search for");
        }
        answerOnce(ctx, spec.get(), (c, json) -> EntityQueries.fill(c, spec.get(), search, limit, offset, json));
    }

    private static void addSeries(Connection c, SeriesQuery query, ArrayNode dates, Map<String, ArrayNode> arrays)
            throws SQLException {
        try (PreparedStatement st = c.prepareStatement(query.sql())) {
            query.bind(st);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    dates.add(rs.getString("d"));
                    for (SeriesQuery.Series s : query.series()) {
                        java.math.BigDecimal value = rs.getBigDecimal(s.label());
                        if (value == null) {
                            arrays.get(s.label()).addNull();
                        } else {
                            arrays.get(s.label()).add(value);
                        }
                    }
                }
            }
        }
    }

    void summary(Context ctx) throws SQLException {
        Optional<PipelineSpec> spec = pipeline(ctx);
        if (spec.isEmpty()) {
            return;
        }
        answerOnce(ctx, spec.get(), (c, json) -> SummaryQueries.fill(c, spec.get(), runs, json));
    }
}
