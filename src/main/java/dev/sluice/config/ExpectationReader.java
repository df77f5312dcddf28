package dev.sluice.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

/** Reads the {@code expectations} list of a pipeline file against its target: every column named must be there. */
final class ExpectationReader {
    private static final List<String> KINDS = List.of(
            "accepted_values",
            "pattern",
            "unique",
            "max_null_share",
            "no_gaps",
            "max_revised",
            "rows_per_period",
            "sql");

    private ExpectationReader() {}

    static List<Expectation> read(ConfigNode root, TargetSpec target) {
        if (!root.has("expectations")) {
            return List.of();
        }
        List<Expectation> expectations = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode node : root.list("expectations")) {
            node.allowOnly(Stream.concat(Stream.of("name", "severity", "column"), KINDS.stream())
                    .toArray(String[]::new));
            List<String> kinds = KINDS.stream().filter(node::has).toList();
            if (kinds.size() != 1) {
                throw node.error("expected exactly one of " + KINDS + ", found " + kinds);
            }
            Expectation.Check check = check(node, kinds.get(0), target);
            String name = node.optionalText("name")
                    .orElseGet(() -> (check instanceof Expectation.Sql ? "sql" : columnOf(node) + check.kind()));
            if (!names.add(name)) {
                throw node.error("name", "two expectations are named '" + name + "'; give one a name:");
            }
            expectations.add(new Expectation(
                    name, node.enumValue("severity", Expectation.Severity.class, Expectation.Severity.FAIL), check));
        }
        return List.copyOf(expectations);
    }

    private static String columnOf(ConfigNode node) {
        return node.has("column") ? node.text("column") + " " : "";
    }

    private static Expectation.Check check(ConfigNode node, String kind, TargetSpec target) {
        return switch (kind) {
            case "accepted_values" -> new Expectation.AcceptedValues(column(node, target), node.textList(kind));
            case "pattern" -> new Expectation.Pattern(column(node, target), pattern(node));
            case "unique" -> {
                if (!node.bool(kind, false)) {
                    throw node.error(kind, "write unique: true, or leave the expectation out");
                }
                yield new Expectation.Unique(column(node, target));
            }
            case "max_null_share" ->
                new Expectation.MaxNullShare(column(node, target), node.limit(kind, Limit.share(0)));
            case "no_gaps" -> {
                noColumn(node, kind);
                if (target.timeKey().isEmpty()) {
                    throw node.error(kind, "needs a date or timestamp column in target.key");
                }
                yield new Expectation.NoGaps(node.enumValue(kind, Expectation.Period.class, Expectation.Period.DAY));
            }
            case "max_revised" -> {
                noColumn(node, kind);
                yield new Expectation.MaxRevised(node.limit(kind, Limit.share(0)));
            }
            case "rows_per_period" -> {
                noColumn(node, kind);
                if (target.timeKey().isEmpty()) {
                    throw node.error(kind, "needs a date or timestamp column in target.key");
                }
                ConfigNode bounds = node.child(kind).allowOnly("min", "max");
                OptionalLong min = bound(bounds, "min");
                OptionalLong max = bound(bounds, "max");
                if (min.isEmpty() && max.isEmpty()) {
                    throw bounds.error("expected min, max or both");
                }
                yield new Expectation.RowsPerPeriod(min, max);
            }
            default -> {
                noColumn(node, kind);
                String query = node.text(kind).trim();
                if (!query.contains("{table}") && !query.contains("{changes}")) {
                    throw node.error(kind, "a query over {table} (the table as readers will see it) or {changes}");
                }
                if (query.contains(";")) {
                    throw node.error(kind, "one query, without ';'");
                }
                yield new Expectation.Sql(query);
            }
        };
    }

    private static OptionalLong bound(ConfigNode bounds, String field) {
        return bounds.has(field)
                ? OptionalLong.of(bounds.integer(field, 0, 0, Integer.MAX_VALUE))
                : OptionalLong.empty();
    }

    private static String pattern(ConfigNode node) {
        String regex = node.text("pattern");
        try {
            // PostgreSQL checks it; Java's syntax is close enough to catch a typo before a run.
            java.util.regex.Pattern.compile(regex);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw node.error("pattern", "not a regular expression: " + e.getDescription());
        }
        return regex;
    }

    private static void noColumn(ConfigNode node, String kind) {
        if (node.has("column")) {
            throw node.error("column", kind + " is about the table, not a column");
        }
    }

    private static String column(ConfigNode node, TargetSpec target) {
        String column = node.text("column");
        Optional<TargetColumn> found = target.allColumns().stream()
                .filter(c -> c.name().equals(column))
                .findFirst();
        if (found.isEmpty()) {
            throw node.error(
                    "column",
                    "no column '" + column + "' in the target; its columns are "
                            + target.allColumns().stream()
                                    .map(TargetColumn::name)
                                    .toList());
        }
        return column;
    }
}
