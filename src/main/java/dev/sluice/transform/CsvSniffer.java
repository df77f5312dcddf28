package dev.sluice.transform;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Guesses how a CSV sample is written, for {@code sluice init}: its encoding (UTF-8 when it decodes strictly, else
 * windows-1252, else ISO-8859-1), its delimiter (the candidate that gives the most lines the same number of fields,
 * more than one), its quote, the title lines before the table, and whether the first row is a header. What it
 * guessed comes with why, to be shown to the user.
 */
public final class CsvSniffer {
    private static final char[] DELIMITERS = {',', ';', '\t', '|'};
    private static final char[] QUOTES = {'"', '\''};
    private static final int LINES_TRIED = 500;
    private static final int MAX_TITLE_LINES = 10;

    private CsvSniffer() {}

    /**
     * How the sample is written, and its rows (header first, when there is one).
     *
     * @param rows       the sample's records after the skipped lines, each the raw fields; the last one dropped
     *                   when the sample was cut
     * @param reasons    why each guess was made, one line each
     */
    public record Sniffed(
            Charset encoding,
            char delimiter,
            char quote,
            int skipLines,
            boolean header,
            List<List<String>> rows,
            List<String> reasons) {
        public Sniffed {
            Objects.requireNonNull(encoding, "encoding");
            rows = List.copyOf(rows);
            reasons = List.copyOf(reasons);
        }

        /** The data rows: every row but the header. */
        public List<List<String>> data() {
            return header ? rows.subList(1, rows.size()) : rows;
        }
    }

    /**
     * @param sample    the first bytes of the (unpacked) file
     * @param truncated whether the file goes on after the sample (its last line is then partial and dropped)
     */
    public static Sniffed sniff(byte[] sample, boolean truncated) {
        List<String> reasons = new ArrayList<>();
        Charset encoding = encoding(sample, truncated, reasons);
        String text = decode(sample, encoding, truncated);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (truncated && text.lastIndexOf('\n') > 0) {
            text = text.substring(0, text.lastIndexOf('\n') + 1);
        }
        char bestDelimiter = ',';
        char bestQuote = '"';
        Consistency best = null;
        for (char delimiter : DELIMITERS) {
            for (char quote : QUOTES) {
                Consistency tried = consistency(text, delimiter, quote);
                if (tried.fields() > 1 && (best == null || tried.isBetterThan(best))) {
                    best = tried;
                    bestDelimiter = delimiter;
                    bestQuote = quote;
                }
            }
        }
        if (best == null) {
            best = consistency(text, ',', '"');
            reasons.add("one column: no delimiter among , ; tab | splits the lines");
        } else {
            reasons.add(String.format(
                    "delimiter %s: %d fields on %d of %d lines",
                    shown(bestDelimiter), best.fields(), best.matching(), best.lines()));
        }
        if (bestQuote != '"') {
            reasons.add("quote ' (fields are enclosed in single quotes)");
        }
        List<List<String>> all = records(text, bestDelimiter, bestQuote, Integer.MAX_VALUE);
        int skip = 0;
        while (skip < Math.min(MAX_TITLE_LINES, all.size()) && all.get(skip).size() != best.fields()) {
            skip++;
        }
        int skipLines = 0;
        if (skip > 0 && skip < all.size()) {
            skipLines = lineOf(text, bestDelimiter, bestQuote, skip);
            reasons.add("skip_lines " + skipLines + ": the lines before the table do not have " + best.fields()
                    + " fields (titles, notes)");
        }
        List<List<String>> rows = all.subList(Math.min(skip, all.size()), all.size());
        boolean header = looksLikeHeader(rows, reasons);
        return new Sniffed(encoding, bestDelimiter, bestQuote, skipLines, header, rows, reasons);
    }

    private static String shown(char c) {
        return c == '\t' ? "tab" : "'" + c + "'";
    }

    /** How many lines (of the first {@link #LINES_TRIED}) have the most common field count. */
    private record Consistency(int fields, int matching, int lines) {
        boolean isBetterThan(Consistency other) {
            // The share of lines that agree first; among equals, more fields (a comma inside a ';' file's text
            // does not split every line).
            long mine = (long) matching * other.lines;
            long theirs = (long) other.matching * lines;
            return mine != theirs ? mine > theirs : fields > other.fields;
        }
    }

    private static Consistency consistency(String text, char delimiter, char quote) {
        List<List<String>> records;
        try {
            records = records(text, delimiter, quote, LINES_TRIED);
        } catch (RuntimeException unreadable) {
            return new Consistency(0, 0, 1);
        }
        Map<Integer, Integer> counts = new HashMap<>();
        records.forEach(r -> counts.merge(r.size(), 1, Integer::sum));
        return counts.entrySet().stream()
                .max(Comparator.comparing(Map.Entry<Integer, Integer>::getValue).thenComparing(Map.Entry::getKey))
                .map(e -> new Consistency(e.getKey(), e.getValue(), Math.max(1, records.size())))
                .orElse(new Consistency(0, 0, 1));
    }

    /** The text's records as a lenient reader sees them: a sample's last line may be cut, its widths may vary. */
    private static CsvReader<CsvRecord> reader(String text, char delimiter, char quote) {
        return CsvReader.builder()
                .fieldSeparator(delimiter)
                .quoteCharacter(quote)
                .skipEmptyLines(true)
                .extraFieldStrategy(FieldMismatchStrategy.IGNORE)
                .missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                .ofCsvRecord(text);
    }

    private static List<List<String>> records(String text, char delimiter, char quote, int limit) {
        List<List<String>> records = new ArrayList<>();
        CsvReader<CsvRecord> csv = reader(text, delimiter, quote);
        for (CsvRecord record : csv) {
            records.add(record.getFields());
            if (records.size() >= limit) {
                break;
            }
        }
        return records;
    }

    /** The physical line the {@code index}-th record starts on, minus one: the lines to skip before it. */
    private static int lineOf(String text, char delimiter, char quote, int index) {
        CsvReader<CsvRecord> csv = reader(text, delimiter, quote);
        int i = 0;
        for (CsvRecord record : csv) {
            if (i++ == index) {
                return (int) record.getStartingLineNumber() - 1;
            }
        }
        return 0;
    }

    /**
     * A first row is a header when its values are distinct, non-empty names and, where the rows below hold numbers
     * or dates, it holds none.
     */
    private static boolean looksLikeHeader(List<List<String>> rows, List<String> reasons) {
        if (rows.isEmpty()) {
            return true;
        }
        List<String> first = rows.get(0);
        if (first.stream().anyMatch(f -> f.isBlank())
                || first.stream().map(String::strip).distinct().count() != first.size()) {
            reasons.add("no header: the first row has empty or repeated names");
            return false;
        }
        for (String field : first) {
            if (looksTyped(field.strip())) {
                reasons.add("no header: the first row holds a value ('" + field.strip() + "'), not a name");
                return false;
            }
        }
        reasons.add("header: the first row names the columns");
        return true;
    }

    /** A number or a date: what a column name never is. */
    private static boolean looksTyped(String text) {
        return text.matches("[+-]?\\d+([.,]\\d+)?([eE][+-]?\\d+)?")
                || text.matches("\\d{1,4}[-/.]\\d{1,2}[-/.]\\d{1,4}.*");
    }

    private static Charset encoding(byte[] sample, boolean truncated, List<String> reasons) {
        if (decodes(sample, StandardCharsets.UTF_8, truncated)) {
            return StandardCharsets.UTF_8;
        }
        Charset windows = Charset.forName("windows-1252");
        if (decodes(sample, windows, false)) {
            reasons.add("encoding windows-1252: the file is not UTF-8, and every byte is a windows-1252 character");
            return windows;
        }
        reasons.add("encoding ISO-8859-1: the file is neither UTF-8 nor windows-1252");
        return StandardCharsets.ISO_8859_1;
    }

    private static boolean decodes(byte[] sample, Charset charset, boolean truncated) {
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(sample);
        CharBuffer out = CharBuffer.allocate(sample.length + 1);
        var result = decoder.decode(in, out, !truncated);
        // A sample cut inside a character leaves up to three bytes undecoded: that is the cut, not an error.
        return !result.isError() && (!truncated || in.remaining() < 4);
    }

    /** The sample as text, in an encoding {@link #encoding} found it decodes in (up to a cut character). */
    private static String decode(byte[] sample, Charset encoding, boolean truncated) {
        CharBuffer out = CharBuffer.allocate(sample.length + 1);
        encoding.newDecoder().decode(ByteBuffer.wrap(sample), out, !truncated);
        out.flip();
        return out.toString();
    }
}
