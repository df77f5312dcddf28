package dev.sluice.config;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads a source's {@code columns:}: how each is found (header name, or position in a file without a header), its
 * type, and how its values are written, resolved from the source's defaults and the column's own options. Every
 * combination that could only fail at run time (a pattern that cannot produce the type, a minimum on a text) fails
 * here, naming the field.
 */
final class ColumnReader {
    static final List<String> VALUE_FIELDS =
            List.of("null_values", "decimal_separator", "grouping", "true_values", "false_values", "zone");

    private static final Set<Character> SEPARATORS = Set.of('.', ',');
    private static final Set<Character> GROUPINGS = Set.of(',', '.', ' ', '\'', '_', '\u00a0', '\u202f');

    private final CsvFormat.Header header;
    private final boolean json;
    private final ValueFormat defaults;
    private final boolean required;

    private ColumnReader(CsvFormat.Header header, boolean json, ValueFormat defaults, boolean required) {
        this.header = header;
        this.json = json;
        this.defaults = defaults;
        this.required = required;
    }

    /**
     * A reader of one source's columns: {@code source} holds the defaults every column starts from, its value
     * options and whether a value is required ({@code required}, true unless it says otherwise).
     */
    static ColumnReader forSource(ConfigNode source, CsvFormat format) {
        return new ColumnReader(
                format.header(),
                format.syntax() == CsvFormat.Syntax.JSON,
                values(source, ValueFormat.DEFAULTS),
                source.bool("required", true));
    }

    ColumnSpec read(ConfigNode node) {
        node.allowOnly(
                "header",
                "path",
                "position",
                "as",
                "type",
                "pattern",
                "epoch",
                "zone",
                "null_values",
                "true_values",
                "false_values",
                "decimal_separator",
                "grouping",
                "required",
                "min",
                "max",
                "on_decrease");
        OptionalInt position = OptionalInt.empty();
        String label;
        String name;
        if (json) {
            // A JSON record's fields are found by name, nested ones by their dotted path: a.b is b inside a (a
            // dot inside a name written \.).
            for (String csvOnly : List.of("header", "position")) {
                if (node.has(csvOnly)) {
                    throw node.error(csvOnly, "a JSON source finds its fields by  path: (a.b for b inside a)");
                }
            }
            label = node.text("path").trim();
            try {
                FieldPath.names(label);
            } catch (IllegalArgumentException e) {
                throw node.error(
                        "path", "'" + label + "' is not a path of field names separated by '.': " + e.getMessage());
            }
            name = node.has("as") ? sqlName(node, "as") : label;
            if (!SqlIdentifier.isValid(name)) {
                throw node.error(
                        "path",
                        "'" + label + "' is not a valid SQL name (lower-case letters, digits and _): add  as:"
                                + " some_name");
            }
        } else if (node.has("path")) {
            throw node.error("path", "is for JSON sources (format: json); a CSV column has a header: or position:");
        } else if (header == CsvFormat.Header.ABSENT) {
            if (node.has("header")) {
                throw node.error("header", "the file has no header (header: false): find the column by position");
            }
            position = OptionalInt.of(node.integer("position", 0, 1, 100_000));
            if (!node.has("position")) {
                throw node.error(
                        "position", "a file without a header finds each column by its position (1 is the" + " first)");
            }
            name = sqlName(node, "as");
            label = name;
        } else {
            // A header names its columns, but not always once: an empty or repeated name is found by its position,
            // which the header must still name so (a reordered file fails rather than loading another column).
            if (node.has("position")) {
                position = OptionalInt.of(node.integer("position", 0, 1, 100_000));
                label = node.textOrEmpty("header").trim();
            } else {
                label = node.text("header").trim();
            }
            if (label.isEmpty() && !node.has("as")) {
                throw node.error("as", "a column whose header is empty needs a name: add  as: some_name");
            }
            name = node.has("as") ? sqlName(node, "as") : label;
            if (!SqlIdentifier.isValid(name)) {
                throw node.error(
                        "header",
                        "'" + label + "' is not a valid SQL name (lower-case letters, digits and _):"
                                + " add  as: some_name");
            }
        }
        ColumnType type = node.enumValue("type", ColumnType.class, ColumnType.TEXT);
        ValueFormat format = values(node, defaults);
        checkValueFields(node, type);
        format = temporal(node, type, format);
        Optional<BigDecimal> min = node.decimal("min");
        Optional<BigDecimal> max = node.decimal("max");
        DecreasePolicy onDecrease = node.enumValue("on_decrease", DecreasePolicy.class, DecreasePolicy.ALLOW);
        if (!type.isNumeric() && (min.isPresent() || max.isPresent() || onDecrease != DecreasePolicy.ALLOW)) {
            throw node.error("min, max and on_decrease apply to integer, decimal and double columns only");
        }
        if (min.isPresent() && max.isPresent() && min.get().compareTo(max.get()) > 0) {
            throw node.error("min", "is greater than max");
        }
        return new ColumnSpec(
                label,
                position,
                name,
                type,
                format,
                node.bool("required", required) ? ColumnSpec.Presence.REQUIRED : ColumnSpec.Presence.OPTIONAL,
                min.orElse(null),
                max.orElse(null),
                onDecrease);
    }

    /** The options a column sets that its type has no use for: a mistake, never ignored. */
    private static void checkValueFields(ConfigNode node, ColumnType type) {
        if (!type.isTemporal()) {
            for (String field : List.of("pattern", "epoch", "zone")) {
                if (node.has(field)) {
                    throw node.error(field, "only date, timestamp and timestamptz columns have " + field);
                }
            }
        }
        if (type != ColumnType.BOOLEAN) {
            for (String field : List.of("true_values", "false_values")) {
                if (node.has(field)) {
                    throw node.error(field, "only boolean columns have " + field);
                }
            }
        }
        if (!type.isNumeric()) {
            for (String field : List.of("decimal_separator", "grouping")) {
                if (node.has(field)) {
                    throw node.error(field, "only integer, decimal and double columns have " + field);
                }
            }
        }
        if (type == ColumnType.INTEGER && node.has("decimal_separator")) {
            throw node.error("decimal_separator", "an integer has no decimals");
        }
    }

    /** Pattern or epoch, and zone: checked against the type, on a real value, so that check fails, not every row. */
    private static ValueFormat temporal(ConfigNode node, ColumnType type, ValueFormat format) {
        if (!type.isTemporal()) {
            return format;
        }
        Optional<ValueFormat.Epoch> epoch = node.has("epoch")
                ? Optional.of(node.enumValue("epoch", ValueFormat.Epoch.class, ValueFormat.Epoch.SECONDS))
                : Optional.empty();
        Optional<String> pattern = node.optionalText("pattern");
        if (pattern.isPresent() && epoch.isPresent()) {
            throw node.error("epoch", "a column is written either with a pattern or as an epoch number, not both");
        }
        if (type == ColumnType.TIMESTAMP && epoch.isEmpty() && node.has("zone")) {
            throw node.error(
                    "zone",
                    "a timestamp without time zone keeps no zone: use type: timestamptz to read" + " values in a zone");
        }
        if (type == ColumnType.DATE && pattern.isPresent() && pattern.get().equals("yyyy-MM-dd")) {
            pattern = Optional.empty(); // ISO, read by the fast path
        }
        if (pattern.isPresent()) {
            Optional<String> refusal = TemporalFormats.refusal(type, pattern.get(), format.zone());
            if (refusal.isPresent()) {
                throw node.error("pattern", "'" + pattern.get() + "' " + refusal.get());
            }
        }
        return new ValueFormat(
                pattern,
                epoch,
                format.zone(),
                format.trueValues(),
                format.falseValues(),
                format.nullValues(),
                format.decimalSeparator(),
                format.grouping());
    }

    /** The value options set on {@code node} (a source, or a column), over {@code base}. */
    static ValueFormat values(ConfigNode node, ValueFormat base) {
        Set<String> nulls = node.has("null_values") ? strippedSet(node, "null_values", false) : base.nullValues();
        Set<String> trues = node.has("true_values") ? strippedSet(node, "true_values", true) : base.trueValues();
        Set<String> falses = node.has("false_values") ? strippedSet(node, "false_values", true) : base.falseValues();
        Set<String> both = new HashSet<>(trues);
        both.retainAll(falses);
        if (!both.isEmpty()) {
            throw node.error("true_values", "spells both true and false: " + both);
        }
        char separator = base.decimalSeparator();
        if (node.has("decimal_separator")) {
            separator = oneOf(node, "decimal_separator", SEPARATORS);
        }
        Optional<Character> grouping = base.grouping();
        if (node.has("grouping")) {
            grouping = Optional.of(oneOf(node, "grouping", GROUPINGS));
        }
        if (grouping.isPresent() && grouping.get() == separator) {
            throw node.error("grouping", "is the decimal separator too");
        }
        Optional<ZoneId> zone = base.zone();
        if (node.has("zone")) {
            try {
                zone = Optional.of(ZoneId.of(node.text("zone").trim()));
            } catch (DateTimeException e) {
                throw node.error(
                        "zone", "unknown time zone '" + node.text("zone").trim() + "'");
            }
        }
        return new ValueFormat(base.pattern(), base.epoch(), zone, trues, falses, nulls, separator, grouping);
    }

    private static Set<String> strippedSet(ConfigNode node, String field, boolean lowerCase) {
        Set<String> values = new HashSet<>();
        for (ConfigNode item : node.list(field)) {
            String value = item.asText().strip();
            if (value.isEmpty() && lowerCase) {
                throw node.error(field, "an empty value is no value (NULL), never true or false");
            }
            values.add(lowerCase ? value.toLowerCase(Locale.ROOT) : value);
        }
        values.remove("");
        return values;
    }

    private static char oneOf(ConfigNode node, String field, Set<Character> allowed) {
        char c = node.character(field, "").orElseThrow();
        if (!allowed.contains(c)) {
            throw node.error(
                    field,
                    "must be one of "
                            + allowed.stream().map(a -> "'" + a + "'").sorted().toList());
        }
        return c;
    }

    static String sqlName(ConfigNode node, String field) {
        String name = node.text(field).trim();
        if (!SqlIdentifier.isValid(name)) {
            throw node.error(
                    field,
                    "'" + name + "' is not a valid SQL name: use lower-case letters, digits and _,"
                            + " starting with a letter or _, at most 63 characters");
        }
        return name;
    }
}
