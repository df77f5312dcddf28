package dev.sluice.init;

import dev.sluice.config.ColumnType;
import dev.sluice.config.CsvFormat;
import dev.sluice.config.ValueFormat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Writes the pipeline file {@code sluice init} guessed: YAML with a comment on every guess, in the form the README's
 * reference documents, holding only what differs from the defaults.
 */
final class PipelineText {
    private PipelineText() {}

    /**
     * One column as guessed.
     *
     * @param header   its header name, or null in a file without a header
     * @param position its 1-based position, which finds it in a file without a header
     */
    record Column(
            String header,
            int position,
            String name,
            ColumnType type,
            ValueFormat format,
            boolean required,
            String reason) {}

    /**
     * What the file says.
     *
     * @param location the {@code url:}, {@code urls:} or {@code file:} lines, indented for a source
     * @param summary  the first comment: where it was read from and how much
     */
    record Guessed(
            String name,
            String table,
            String summary,
            String location,
            CsvFormat format,
            List<Column> columns,
            List<String> key,
            String keyReason) {}

    static String write(Guessed g) {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(g.summary()).append('\n');
        out.append("# Written by `sluice init`. A guess is only a start: check the types, the key and the names,\n");
        out.append("# then `sluice check --pipeline FILE`. The README's pipeline reference lists every field.\n");
        out.append("name: ").append(g.name()).append('\n');
        out.append("sources:\n");
        out.append("  - name: ").append(g.table()).append('\n');
        out.append(g.location());
        format(out, g.format());
        out.append("    key: [")
                .append(String.join(", ", g.key()))
                .append("]  # ")
                .append(g.keyReason())
                .append('\n');
        out.append("    columns:\n");
        for (Column c : g.columns()) {
            if (c.header() == null) {
                out.append("      - { position: ")
                        .append(c.position())
                        .append(", as: ")
                        .append(c.name());
            } else {
                out.append("      - { header: ").append(quoted(c.header()));
                if (!c.name().equals(c.header())) {
                    out.append(", as: ").append(c.name());
                }
            }
            if (c.type() != ColumnType.TEXT) {
                out.append(", type: ").append(c.type().name().toLowerCase(Locale.ROOT));
            }
            c.format().pattern().ifPresent(p -> out.append(", pattern: ").append(quoted(p)));
            if (c.format().decimalSeparator() != '.') {
                out.append(", decimal_separator: ")
                        .append(quoted(String.valueOf(c.format().decimalSeparator())));
            }
            if (!c.format().nullValues().isEmpty()) {
                out.append(", null_values: [")
                        .append(String.join(
                                ", ",
                                c.format().nullValues().stream()
                                        .sorted()
                                        .map(PipelineText::quoted)
                                        .toList()))
                        .append(']');
            }
            if (!c.required()) {
                out.append(", required: false");
            }
            out.append(" }  # ").append(oneLine(c.reason())).append('\n');
        }
        out.append("target:\n");
        out.append("  table: ").append(g.table()).append('\n');
        return out.toString();
    }

    private static void format(StringBuilder out, CsvFormat format) {
        CsvFormat d = CsvFormat.DEFAULTS;
        if (format.delimiter() != d.delimiter()) {
            out.append("    delimiter: ")
                    .append(quoted(String.valueOf(format.delimiter())))
                    .append('\n');
        }
        if (format.quote() != d.quote()) {
            out.append("    quote: ")
                    .append(quoted(String.valueOf(format.quote())))
                    .append('\n');
        }
        if (!format.encoding().equals(StandardCharsets.UTF_8)) {
            out.append("    encoding: ").append(format.encoding().name()).append('\n');
        }
        if (format.header() == CsvFormat.Header.ABSENT) {
            out.append("    header: false\n");
        }
        if (format.skipLines() > 0) {
            out.append("    skip_lines: ").append(format.skipLines()).append('\n');
        }
        Optional<String> member = format.member();
        member.ifPresent(m -> out.append("    member: ").append(quoted(m)).append('\n'));
    }

    /** A YAML double-quoted string: every character that could end or change it escaped. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** A comment stays on its line. */
    static String oneLine(String text) {
        return text.replaceAll("[\\r\\n\\u2028\\u2029]+", " ");
    }
}
