package dev.sluice.testing;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Random valid rows of every column type, and a CSV writer for them that is independent of sluice's reader: it
 * quotes what needs quoting (and sometimes what does not), picks LF or CRLF, may add a byte order mark, shuffles the
 * header and adds an unused column of junk. Property tests write rows with it and expect exactly them back.
 */
public final class RandomTable {
    /** The pipeline every property uses: one source, one column of each type, under awkward header names. */
    public static final String PIPELINE = """
            name: roundtrip
            sources:
              - name: rows
                url: https://example.org/rows.csv
                key: [id]
                columns:
                  - { header: id, type: integer }
                  - { header: day, type: date }
                  - { header: "Amount (USD)", as: amount, type: decimal, required: false }
                  - { header: label, type: text, required: false }
                  - { header: "Count, total", as: count_total, type: integer, required: false }
            target: { table: %s }
            """;

    /** One row as generated; {@code label} may carry surrounding spaces, which loading trims. */
    public record Row(long id, LocalDate day, BigDecimal amount, String label, Long count) {
        /** The label as it must come back: trimmed, and NULL when nothing is left. */
        public String expectedLabel() {
            if (label == null || label.strip().isEmpty()) {
                return null;
            }
            return label.strip();
        }

        /** Equal as values: decimals compared numerically ({@code 1.50} is {@code 1.5}), labels as loaded. */
        public boolean sameValues(Row other) {
            return id == other.id
                    && day.equals(other.day)
                    && Objects.equals(count, other.count)
                    && Objects.equals(expectedLabel(), other.expectedLabel())
                    && (amount == null
                            ? other.amount == null
                            : other.amount != null && amount.compareTo(other.amount) == 0);
        }
    }

    /** How the file is written. */
    public record Layout(List<Integer> order, boolean crlf, boolean bom, boolean quoteAll, List<String> junk) {}

    private RandomTable() {}

    private static Arbitrary<String> label() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(0x20, 0x7E)),
                net.jqwik.api.Tuple.of(
                        2,
                        Arbitraries.of((int) ',', (int) '"', (int) '\n', (int) '\r', (int) ' ', (int) '\t', (int) ';')),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0xA0, 0xD7FF)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0x1F300, 0x1FAFF)));
        return codePoint.list().ofMaxSize(20).map(points -> {
            StringBuilder text = new StringBuilder();
            points.forEach(text::appendCodePoint);
            return text.toString();
        });
    }

    private static Arbitrary<BigDecimal> amount() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(0, 12))
                .as(BigDecimal::valueOf);
    }

    /** Rows with ids 1..n in a random order. */
    public static Arbitrary<List<Row>> rows(int maxRows) {
        Arbitrary<Row> row = Combinators.combine(
                        Arbitraries.integers()
                                .between(1, 3_000_000)
                                .map(d -> LocalDate.of(1000, 1, 1).plusDays(d)),
                        amount().injectNull(0.2),
                        label().injectNull(0.1),
                        Arbitraries.longs().injectNull(0.2))
                .as((day, amount, label, count) -> new Row(0, day, amount, label, count));
        return row.list()
                .ofMinSize(1)
                .ofMaxSize(maxRows)
                .map(rows -> IntStream.range(0, rows.size())
                        .mapToObj(i -> new Row(
                                i + 1,
                                rows.get(i).day(),
                                rows.get(i).amount(),
                                rows.get(i).label(),
                                rows.get(i).count()))
                        .toList());
    }

    public static Arbitrary<Layout> layouts() {
        return Combinators.combine(
                        Arbitraries.shuffle(0, 1, 2, 3, 4, 5),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false),
                        label().list().ofSize(40))
                .as(Layout::new);
    }

    private static final String[] HEADERS = {"id", "day", "Amount (USD)", "label", "Count, total", "unused"};

    /** The CSV text of {@code rows}; field 5 of the layout's order is the unused junk column. */
    public static byte[] csv(List<Row> rows, Layout layout) {
        String eol = layout.crlf() ? "\r\n" : "\n";
        StringBuilder csv = new StringBuilder(layout.bom() ? "\uFEFF" : "");
        List<String> header = new ArrayList<>();
        layout.order().forEach(i -> header.add(field(HEADERS[i], layout.quoteAll())));
        csv.append(String.join(",", header)).append(eol);
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            String[] values = {
                Long.toString(row.id()),
                row.day().toString(),
                row.amount() == null ? "" : row.amount().toPlainString(),
                row.label() == null ? "" : row.label(),
                row.count() == null ? "" : row.count().toString(),
                layout.junk().get(r % layout.junk().size())
            };
            List<String> fields = new ArrayList<>();
            layout.order().forEach(i -> fields.add(field(values[i], layout.quoteAll())));
            csv.append(String.join(",", fields)).append(eol);
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The 1-based line on which each row starts, counted from the text written (quoted newlines included). */
    public static List<Long> startLines(byte[] csv) {
        String text = new String(csv, StandardCharsets.UTF_8);
        List<Long> starts = new ArrayList<>();
        long line = 1;
        boolean quoted = false;
        boolean atStart = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (atStart) {
                starts.add(line);
                atStart = false;
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
                line++;
                atStart = !quoted && i + 1 < text.length();
            }
        }
        return starts;
    }

    private static String field(String value, boolean quoteAll) {
        boolean needs = value.indexOf(',') >= 0
                || value.indexOf('"') >= 0
                || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0
                || !value.equals(value.strip());
        return needs || quoteAll ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
