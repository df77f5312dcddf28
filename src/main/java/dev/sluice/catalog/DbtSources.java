package dev.sluice.catalog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.config.ColumnSpec;
import dev.sluice.config.Freshness;
import dev.sluice.config.LoadMode;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Provenance;
import dev.sluice.config.SourceSpec;
import dev.sluice.config.TargetColumn;
import dev.sluice.config.TargetSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code sluice dbt-sources}: a dbt {@code sources.yml} (version 2) for the pipelines' tables, one dbt source per
 * schema, {@code loader: sluice}: each table with its pipeline's description, its columns with their types and
 * where they come from, {@code not_null} and {@code unique} tests where sluice guarantees them, and, when the table
 * carries {@code loaded_at}, that field and a {@code freshness:} block from the pipeline's {@code expect:} (a source
 * must change within its {@code changes_within}; the last change of a row is its {@code loaded_at}).
 */
public final class DbtSources {
    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .build())
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DbtSources() {}

    /** The file's text; pipelines sharing a table are refused, since dbt would see one table described twice. */
    public static String write(List<PipelineSpec> pipelines) {
        Map<String, List<PipelineSpec>> bySchema = new TreeMap<>();
        Map<String, String> tables = new TreeMap<>();
        for (PipelineSpec spec : pipelines) {
            String table = spec.target().schema() + "." + spec.target().table();
            String other = tables.putIfAbsent(table, spec.name());
            if (other != null) {
                throw new SluiceException(
                        ErrorKind.CONFIG, "pipelines " + other + " and " + spec.name() + " both load " + table);
            }
            bySchema.computeIfAbsent(spec.target().schema(), s -> new ArrayList<>())
                    .add(spec);
        }
        ObjectNode root = NODES.objectNode();
        root.put("version", 2);
        ArrayNode sources = root.putArray("sources");
        bySchema.forEach((schema, specs) -> {
            ObjectNode source = sources.addObject();
            source.put("name", schema);
            source.put("schema", schema);
            source.put("loader", "sluice");
            source.put("description", "Tables loaded by sluice pipelines.");
            ArrayNode list = source.putArray("tables");
            specs.stream()
                    .sorted(java.util.Comparator.comparing(s -> s.target().table()))
                    .forEach(spec -> list.add(table(spec)));
        });
        try {
            return "# Written by `sluice dbt-sources` from the pipeline files; write it again when they change.\n"
                    + YAML.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SluiceException(ErrorKind.INTERNAL, "cannot write sources.yml: " + e.getMessage(), e);
        }
    }

    private static ObjectNode table(PipelineSpec spec) {
        TargetSpec target = spec.target();
        ObjectNode table = NODES.objectNode();
        table.put("name", target.table());
        table.put(
                "description",
                sentence(spec.description())
                        + "Loaded by the sluice pipeline " + spec.name() + " ("
                        + target.mode().name().toLowerCase(Locale.ROOT) + ") from "
                        + String.join(
                                ", ",
                                spec.sources().stream().map(SourceSpec::name).toList()) + ".");
        ObjectNode meta = table.putObject("meta");
        meta.put("sluice_pipeline", spec.name());
        meta.put("sluice_mode", target.mode().name().toLowerCase(Locale.ROOT));
        if (target.provenance().contains(Provenance.LOADED_AT)) {
            table.put("loaded_at_field", Provenance.LOADED_AT.column());
            freshness(spec.freshness())
                    .ifPresent(after -> table.putObject("freshness").set("error_after", after));
        }
        ArrayNode columns = table.putArray("columns");
        boolean oneRowPerKey = target.mode() != LoadMode.HISTORY && target.mode() != LoadMode.APPEND;
        List<TargetColumn> key = target.keyColumns();
        for (TargetColumn column : target.allColumns()) {
            ObjectNode node = columns.addObject();
            node.put("name", column.name());
            node.put("data_type", column.type().sqlType());
            node.put("description", describe(spec, column));
            ArrayNode tests = NODES.arrayNode();
            if (column.nulls() == TargetColumn.Nulls.NOT_NULL) {
                tests.add("not_null");
            }
            if (oneRowPerKey && key.size() == 1 && key.get(0).name().equals(column.name())) {
                tests.add("unique");
            }
            if (!tests.isEmpty()) {
                node.set("data_tests", tests);
            }
        }
        return table;
    }

    /** The pipeline's description as a sentence followed by a space, or nothing. */
    private static String sentence(String description) {
        if (description == null || description.isBlank()) {
            return "";
        }
        String text = description.strip();
        return text + (text.endsWith(".") || text.endsWith("!") || text.endsWith("?") ? " " : ". ");
    }

    /** The strictest {@code changes_within} of the pipeline's sources, in dbt's units (minute, hour, day). */
    static Optional<ObjectNode> freshness(Freshness freshness) {
        return freshness.bySource().values().stream()
                .flatMap(e -> e.changesWithin().stream())
                .min(Duration::compareTo)
                .map(within -> {
                    ObjectNode after = NODES.objectNode();
                    long minutes = Math.max(1, (within.toSeconds() + 59) / 60);
                    if (minutes % (24 * 60) == 0) {
                        after.put("count", minutes / (24 * 60)).put("period", "day");
                    } else if (minutes % 60 == 0) {
                        after.put("count", minutes / 60).put("period", "hour");
                    } else {
                        after.put("count", minutes).put("period", "minute");
                    }
                    return after;
                });
    }

    private static String describe(PipelineSpec spec, TargetColumn column) {
        if (column.role() == TargetColumn.Role.SYSTEM) {
            return switch (column.name()) {
                case "loaded_at" -> "When a sluice run last inserted or changed this row.";
                case "run_id" -> "The sluice run that last inserted or changed this row (sluice history).";
                case "source_file" -> "The file this row was last read from (credentials left out).";
                case "deleted_at" -> "When the row left the publication (a soft delete); empty while it is in it.";
                case "valid_from" -> "When this version of the row began.";
                case "valid_to" -> "When this version was replaced; empty for the current one.";
                default -> "Kept by sluice.";
            };
        }
        String from = spec.sources().stream()
                .filter(s -> s.name().equals(column.source()))
                .findFirst()
                .flatMap(s -> s.column(column.name()))
                .map(ColumnSpec::header)
                .map(header -> "From " + column.source() + "'s field '" + header + "'")
                .orElse("From " + column.source());
        String unit = spec.dashboard()
                .map(d -> d.units().get(column.name()))
                .map(u -> ", in " + u)
                .orElse("");
        return (column.role() == TargetColumn.Role.KEY ? "Key. " : "") + from + unit + ".";
    }
}
