package dev.sluice.init;

import dev.sluice.config.ColumnType;
import dev.sluice.config.CsvFormat;
import dev.sluice.config.ShortHeader;
import dev.sluice.config.ShortRows;
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
     * @param header     its header name, or null in a file without a header
     * @param position   its 1-based position, which finds it in a file without a header
     * @param byPosition whether it is found by position although the file has a header (its name is empty or
     *                   repeated)
     * @param key        whether it is part of the key, which alone must have a value on every row
     */
    record Column(
            String header,
            int position,
            boolean byPosition,
            String name,
            ColumnType type,
            ValueFormat format,
            boolean key,
            String reason) {}

    /**
     * What the file says.
     *
     * @param location the {@code url:}, {@code urls:} or {@code file:} lines, indented for a source
     * @param summary  the first comment: where it was read from and how much
     * @param key      the key's columns; empty for a file without one, loaded whole each time ({@code replace})
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
        out.append("    required: false  # only the key must have a value: a gap in a measurement is ordinary\n");
        if (g.key().isEmpty()) {
            out.append("    # no key: ").append(oneLine(g.keyReason())).append('\n');
        } else {
            out.append("    key: [")
                    .append(String.join(", ", g.key()))
                    .append("]  # ")
                    .append(oneLine(g.keyReason()))
                    .append('\n');
        }
        out.append("    columns:\n");
        boolean json = g.format().syntax() == CsvFormat.Syntax.JSON;
        for (Column c : g.columns()) {
            if (c.header() == null) {
                out.append("      - { position: ")
                        .append(c.position())
                        .append(", as: ")
                        .append(c.name());
            } else if (c.byPosition()) {
                out.append("      - { header: ")
                        .append(quoted(c.header()))
                        .append(", position: ")
                        .append(c.position())
                        .append(", as: ")
                        .append(c.name());
            } else {
                out.append(json ? "      - { path: " : "      - { header: ").append(quoted(c.header()));
                if (!c.name().equals(c.header())) {
                    out.append(", as: ").append(c.name());
                }
            }
            if (c.type() != ColumnType.TEXT) {
                out.append(", type: ").append(c.type().name().toLowerCase(Locale.ROOT));
            }
            c.format().pattern().ifPresent(p -> out.append(", pattern: ").append(quoted(p)));
            c.format().grouping().ifPresent(sep -> out.append(", grouping: ").append(quoted(String.valueOf(sep))));
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
            if (c.key()) {
                out.append(", required: true");
            }
            out.append(" }  # ").append(oneLine(c.reason())).append('\n');
        }
        out.append("target:\n");
        out.append("  table: ").append(g.table()).append('\n');
        if (g.key().isEmpty()) {
            out.append("  mode: replace  # without a key, each publication replaces the rows; inserted and deleted rows"
                    + " are counted\n");
        }
        return out.toString();
    }

    private static void format(StringBuilder out, CsvFormat format) {
        CsvFormat d = CsvFormat.DEFAULTS;
        if (format.syntax() == CsvFormat.Syntax.XLSX) {
            out.append("    format: xlsx\n");
            format.records()
                    .ifPresent(sheet ->
                            out.append("    sheet: ").append(quoted(sheet)).append('\n'));
            return;
        }
        if (format.syntax() == CsvFormat.Syntax.JSON) {
            out.append("    format: json\n");
            format.records()
                    .ifPresent(
                            r -> out.append("    records: ").append(quoted(r)).append('\n'));
            return;
        }
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
        if (format.shortHeader() == ShortHeader.ROW_NAMES) {
            out.append("    short_header: row_names  # the header names the last fields; the first are row names\n");
        }
        if (format.shortRows() == ShortRows.PAD) {
            out.append("    short_rows: pad  # rows end early: their missing trailing fields are empty\n");
        }
        Optional<String> member = format.member();
        member.ifPresent(m -> out.append("    member: ").append(quoted(m)).append('\n'));
    }

    /**
     * A YAML double-quoted string: every character that could end or change it escaped, and every one YAML does not
     * allow in a document (controls, U+FFFE and U+FFFF, a lone surrogate) written as an escape, which YAML reads
     * back as that character.
     */
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
                    boolean paired = Character.isHighSurrogate(c)
                            && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1));
                    if (paired) {
                        out.append(c).append(text.charAt(++i));
                    } else if (c < 0x20
                            || c == 0x7f
                            || (c >= 0x80 && c < 0xa0)
                            || c == '\u2028'
                            || c == '\u2029'
                            || c == '\ufeff'
                            || c >= '\ufffe'
                            || Character.isSurrogate(c)) {
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
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
                continue;
            }
            boolean printable = c >= 0x20
                    && c != 0x7f
                    && !(c >= 0x80 && c < 0xa0)
                    && c != '\u2028'
                    && c != '\u2029'
                    && c != '\ufeff'
                    && c < '\ufffe'
                    && !Character.isSurrogate(c);
            out.append(printable ? c : ' ');
        }
        return out.toString();
    }
}
