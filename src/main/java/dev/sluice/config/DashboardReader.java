package dev.sluice.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a pipeline's {@code dashboard:} section, checking that every column it names is numeric in the target. */
final class DashboardReader {
    private DashboardReader() {}

    static Optional<DashboardSpec> read(ConfigNode root, TargetSpec target) {
        if (!root.has("dashboard")) {
            return Optional.empty();
        }
        ConfigNode node = root.child("dashboard")
                .allowOnly("title", "banner", "cumulative", "daily", "ratios", "credits", "aggregate", "units");
        // Without either list, every numeric column is charted as it is, as without a dashboard section.
        List<String> cumulative = node.has("cumulative")
                ? numericColumns(node, "cumulative", target)
                : node.has("daily")
                        ? List.of()
                        : target.valueColumns().stream()
                                .filter(c -> c.type().isNumeric())
                                .map(TargetColumn::name)
                                .toList();
        List<String> daily = node.has("daily") ? numericColumns(node, "daily", target) : List.of();
        List<DashboardSpec.Ratio> ratios = new ArrayList<>();
        if (node.has("ratios")) {
            for (ConfigNode ratio : node.list("ratios")) {
                ratio.allowOnly("name", "label", "numerator", "denominator");
                String name = ratio.text("name").trim();
                if (!SqlIdentifier.isValid(name)) {
                    throw ratio.error("name", "must be a valid SQL name");
                }
                ratios.add(new DashboardSpec.Ratio(
                        name,
                        ratio.optionalText("label").orElse(name),
                        numeric(ratio, "numerator", target),
                        numeric(ratio, "denominator", target)));
            }
        }
        List<DashboardSpec.Credit> credits = new ArrayList<>();
        if (node.has("credits")) {
            for (ConfigNode credit : node.list("credits")) {
                credit.allowOnly("text", "url", "licence");
                String url = credit.text("url").trim();
                if (!url.startsWith("https://") && !url.startsWith("http://")) {
                    throw credit.error("url", "must be an http(s) URL");
                }
                credits.add(new DashboardSpec.Credit(credit.text("text"), url, credit.text("licence")));
            }
        }
        Map<String, String> units = new LinkedHashMap<>();
        if (node.has("units")) {
            node.textMap("units").forEach((column, unit) -> {
                check(node.child("units"), column, column, target);
                if (unit.isBlank() || unit.length() > 24) {
                    throw node.child("units").error(column, "must be a unit of 1 to 24 characters");
                }
                units.put(column, unit.strip());
            });
        }
        return Optional.of(new DashboardSpec(
                node.optionalText("title").orElse(target.table()),
                node.optionalText("banner"),
                cumulative,
                daily,
                ratios,
                credits,
                node.enumValue("aggregate", DashboardSpec.Aggregate.class, DashboardSpec.Aggregate.NONE),
                units));
    }

    private static List<String> numericColumns(ConfigNode node, String field, TargetSpec target) {
        List<String> columns = node.textList(field).stream().map(String::trim).toList();
        for (String column : columns) {
            check(node, field, column, target);
        }
        return columns;
    }

    private static String numeric(ConfigNode node, String field, TargetSpec target) {
        String column = node.text(field).trim();
        check(node, field, column, target);
        return column;
    }

    private static void check(ConfigNode node, String field, String column, TargetSpec target) {
        TargetColumn found = target.columns().stream()
                .filter(c -> c.name().equals(column))
                .findFirst()
                .orElseThrow(() -> node.error(
                        field,
                        "'" + column + "' is not a column of the target "
                                + target.columns().stream()
                                        .map(TargetColumn::name)
                                        .toList()));
        if (!found.type().isNumeric()) {
            throw node.error(field, "'" + column + "' is not a numeric column");
        }
    }
}
