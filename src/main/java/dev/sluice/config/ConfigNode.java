package dev.sluice.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A position in a pipeline file: typed accessors that fail with the file, line and field path of the problem.
 */
final class ConfigNode {
    private final ConfigTree tree;
    private final JsonNode node;
    private final String path;

    ConfigNode(ConfigTree tree, JsonNode node, String path) {
        this.tree = tree;
        this.node = node;
        this.path = path;
    }

    String path() {
        return path;
    }

    PipelineConfigException error(String message) {
        return new PipelineConfigException(tree.origin(), tree.lineOf(path), path, message);
    }

    PipelineConfigException error(String field, String message) {
        String fieldPath = childPath(field);
        int line = tree.lineOf(fieldPath);
        return new PipelineConfigException(tree.origin(), line > 0 ? line : tree.lineOf(path), fieldPath, message);
    }

    private String childPath(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** Fails on any field not in {@code allowed}: a misspelt option must not be silently ignored. */
    ConfigNode allowOnly(String... allowed) {
        if (!node.isObject()) {
            throw error("expected a mapping of fields");
        }
        Set<String> known = Set.of(allowed);
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw error(name, "unknown field; expected one of " + new TreeSet<>(known));
            }
        }
        return this;
    }

    /** Whether this node is a list (a field that takes one value or several). */
    boolean isList() {
        return node.isArray();
    }

    /** The fields of a mapping, in the file's order. */
    List<String> fieldNames() {
        if (!node.isObject()) {
            throw error("expected a mapping of fields");
        }
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    boolean has(String field) {
        JsonNode child = node.get(field);
        return child != null && !child.isNull();
    }

    private JsonNode required(String field) {
        if (!has(field)) {
            throw error("missing required field '" + field + "'");
        }
        return node.get(field);
    }

    ConfigNode child(String field) {
        return new ConfigNode(tree, required(field), childPath(field));
    }

    Optional<ConfigNode> optionalChild(String field) {
        return has(field) ? Optional.of(child(field)) : Optional.empty();
    }

    String text(String field) {
        JsonNode value = required(field);
        if (!value.isValueNode()) {
            throw error(field, "expected a single value");
        }
        String text = value.asText();
        if (text.isBlank()) {
            throw error(field, "must not be empty");
        }
        return text;
    }

    /** A single value that may be the empty text (a header name a file leaves empty). */
    String textOrEmpty(String field) {
        JsonNode value = required(field);
        if (!value.isValueNode()) {
            throw error(field, "expected a single value");
        }
        return value.isNull() ? "" : value.asText();
    }

    Optional<String> optionalText(String field) {
        return has(field) ? Optional.of(text(field)) : Optional.empty();
    }

    /**
     * A field holding one character, a space or a tab included ({@code "\t"} in YAML): separators, quotes.
     *
     * @param refused characters the field may not be, with what they are for the message
     */
    Optional<Character> character(String field, String refused) {
        if (!has(field)) {
            return Optional.empty();
        }
        JsonNode value = node.get(field);
        String text = value.isValueNode() ? value.asText() : "";
        if (text.length() != 1) {
            throw error(field, "must be one character, found '" + text + "'");
        }
        char c = text.charAt(0);
        if (c == '\n' || c == '\r' || refused.indexOf(c) >= 0) {
            throw error(field, "cannot be '" + (c == '\n' ? "\\n" : c == '\r' ? "\\r" : String.valueOf(c)) + "'");
        }
        return Optional.of(c);
    }

    /** The node itself as text: for list items that are plain values. */
    String asText() {
        if (!node.isValueNode()) {
            throw error("expected a single value");
        }
        return node.asText();
    }

    boolean bool(String field, boolean defaultValue) {
        if (!has(field)) {
            return defaultValue;
        }
        JsonNode value = node.get(field);
        if (!value.isBoolean()) {
            throw error(field, "expected true or false, found '" + value.asText() + "'");
        }
        return value.booleanValue();
    }

    int integer(String field, int defaultValue, int min, int max) {
        if (!has(field)) {
            return defaultValue;
        }
        String text = text(field);
        try {
            int value = Integer.parseInt(text.trim());
            if (value < min || value > max) {
                throw error(field, "must be between " + min + " and " + max + ", found " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw error(field, "expected a whole number, found '" + text + "'");
        }
    }

    Optional<BigDecimal> decimal(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        String text = text(field);
        try {
            return Optional.of(new BigDecimal(text.trim()));
        } catch (NumberFormatException e) {
            throw error(field, "expected a number, found '" + text + "'");
        }
    }

    <E extends Enum<E>> E enumValue(String field, Class<E> type, E defaultValue) {
        if (!has(field)) {
            return defaultValue;
        }
        String text = text(field);
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw error(
                    field,
                    "unknown value '" + text + "'; expected one of "
                            + Arrays.stream(type.getEnumConstants())
                                    .map(c -> c.name().toLowerCase(Locale.ROOT))
                                    .toList());
        }
    }

    /** {@code 1%} (a share) or {@code 500} (a count). */
    Limit limit(String field, Limit defaultValue) {
        return optionalLimit(field, Optional.of(defaultValue)).orElseThrow();
    }

    /** {@code 1%}, {@code 500}, or {@code none}: no limit. */
    Optional<Limit> optionalLimit(String field, Optional<Limit> defaultValue) {
        if (!has(field)) {
            return defaultValue;
        }
        String text = text(field).trim();
        if (text.equals("none")) {
            return Optional.empty();
        }
        try {
            if (text.endsWith("%")) {
                double percent =
                        Double.parseDouble(text.substring(0, text.length() - 1).trim());
                if (percent >= 0 && percent <= 100) {
                    return Optional.of(Limit.share(percent / 100));
                }
            } else {
                long count = Long.parseLong(text);
                if (count >= 0) {
                    return Optional.of(new Limit(Limit.Kind.COUNT, count));
                }
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw error(field, "expected a share such as 1% or 10%, a count such as 500, or none; found '" + text + "'");
    }

    /** {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}. */
    Duration duration(String field, Duration defaultValue) {
        if (!has(field)) {
            return defaultValue;
        }
        String text = text(field).trim();
        return Units.duration(text)
                .orElseThrow(() -> error(
                        field, "expected a duration such as " + Units.DURATION_EXAMPLES + ", found '" + text + "'"));
    }

    /** {@code 1048576}, {@code 512MiB}, {@code 2GiB}. */
    long bytes(String field, long defaultValue) {
        if (!has(field)) {
            return defaultValue;
        }
        String text = text(field).trim();
        return Units.size(text)
                .orElseThrow(() ->
                        error(field, "expected a size such as " + Units.SIZE_EXAMPLES + ", found '" + text + "'"));
    }

    /** {@code 1KiB/s}, {@code 500B/s}, {@code 0/s} (no minimum): bytes per second. */
    long rate(String field, long defaultValue) {
        if (!has(field)) {
            return defaultValue;
        }
        String text = text(field).trim();
        if (text.equals("0") || text.equals("0/s")) {
            return 0;
        }
        return Optional.of(text)
                .filter(t -> t.endsWith("/s"))
                .flatMap(t -> Units.size(t.substring(0, t.length() - 2)))
                .orElseThrow(
                        () -> error(field, "expected a rate such as 1KiB/s, 512B/s or 0 (none), found '" + text + "'"));
    }

    /** A list field; a single value is accepted as a list of one. */
    List<ConfigNode> list(String field) {
        JsonNode value = required(field);
        String listPath = childPath(field);
        if (!value.isArray()) {
            return List.of(new ConfigNode(tree, value, listPath));
        }
        List<ConfigNode> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            items.add(new ConfigNode(tree, value.get(i), listPath + "[" + i + "]"));
        }
        if (items.isEmpty()) {
            throw error(field, "must not be empty");
        }
        return items;
    }

    List<String> textList(String field) {
        return list(field).stream().map(ConfigNode::asText).toList();
    }

    /** A mapping of names to texts ({@code units: {rate: "%", price: EUR}}), in the file's order. */
    Map<String, String> textMap(String field) {
        ConfigNode map = child(field);
        if (!map.node.isObject()) {
            throw error(field, "must be a mapping of names to texts");
        }
        Map<String, String> values = new LinkedHashMap<>();
        Iterator<String> names = map.node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            values.put(name, map.text(name));
        }
        return values;
    }
}
