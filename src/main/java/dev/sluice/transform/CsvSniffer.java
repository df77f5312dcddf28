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
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

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
    /** Values each delimiter is tried on, at most: 500 lines of 16,000 columns would be 8 million strings a try. */
    private static final long CELLS_TRIED = 200_000;

    private static final int MAX_TITLE_LINES = 10;
    /** The most values a sniffed sample keeps: with the sample's text, init stays within a 256 MB heap. */
    public static final long MAX_CELLS = 1_500_000;

    private CsvSniffer() {}

    /**
     * How the sample is written, and its rows (header first, when there is one).
     *
     * @param rowNames   how many unnamed fields precede the fields a short header names (R's row names); 0 when the
     *                   header is as wide as the rows
     * @param shortRows  how many data rows have fewer fields than the header
     * @param rows       the sample's records after the skipped lines, each the raw fields, a short header preceded
     *                   by an empty name per unnamed field; the last one dropped when the sample was cut
     * @param cut        whether the sample held more records than were kept ({@link #MAX_CELLS})
     * @param reasons    why each guess was made, one line each
     */
    public record Sniffed(
            Charset encoding,
            char delimiter,
            char quote,
            int skipLines,
            boolean header,
            int rowNames,
            long shortRows,
            List<List<String>> rows,
            boolean cut,
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
        List<List<String>> all = new ArrayList<>();
        boolean cut = records(text, bestDelimiter, bestQuote, all);
        int width = best.fields();
        int skip = 0;
        while (skip < Math.min(MAX_TITLE_LINES, all.size()) && all.get(skip).size() != width) {
            skip++;
        }
        int rowNames = 0;
        if (skip > 0 && skip < all.size() && shortHeader(all.get(skip - 1), width, all.subList(skip, all.size()))) {
            // The line just above the table names all but its first fields: R's and pandas' row names.
            rowNames = width - all.get(skip - 1).size();
            List<String> named = new ArrayList<>(Collections.nCopies(rowNames, ""));
            named.addAll(all.get(skip - 1));
            all.set(skip - 1, named);
            skip--;
        }
        int skipLines = 0;
        if (skip > 0 && skip < all.size()) {
            skipLines = lineOf(text, bestDelimiter, bestQuote, skip);
            reasons.add("skip_lines " + skipLines + ": the lines before the table do not have " + width
                    + " fields (titles, notes)");
        }
        List<List<String>> rows = all.subList(Math.min(skip, all.size()), all.size());
        boolean header = rowNames > 0 || looksLikeHeader(rows, reasons);
        if (rowNames > 0) {
            reasons.add("short_header: row_names: the header names the last " + (width - rowNames) + " of " + width
                    + " fields; the first " + (rowNames == 1 ? "is" : rowNames + " are")
                    + " unnamed (row names, as R and pandas write them)");
        }
        long shortRows =
                rows.stream().skip(header ? 1 : 0).filter(r -> r.size() < width).count();
        if (shortRows > 0) {
            reasons.add(String.format(
                    Locale.ROOT,
                    "short_rows: pad: %,d of %,d rows have fewer fields than the %s (%d); their missing trailing"
                            + " fields are read as empty",
                    shortRows,
                    rows.size() - (header ? 1 : 0),
                    header ? "header" : "first row",
                    width));
        }
        if (cut) {
            reasons.add(String.format(
                    Locale.ROOT, "the sample is cut at %,d values: the rows after are not read", MAX_CELLS));
        }
        return new Sniffed(
                encoding, bestDelimiter, bestQuote, skipLines, header, rowNames, shortRows, rows, cut, reasons);
    }

    /**
     * Whether a line with fewer fields than the table's, just above it, is its header: at most two fields short,
     * at least two names, no value among them, and the rows below not themselves led by a header.
     */
    private static boolean shortHeader(List<String> line, int width, List<List<String>> table) {
        int missing = width - line.size();
        if (missing < 1 || missing > 2 || line.size() < 2) {
            return false;
        }
        if (line.stream().map(String::strip).anyMatch(CsvSniffer::looksTyped)
                || line.stream().allMatch(String::isBlank)) {
            return false;
        }
        List<String> padded = new ArrayList<>(Collections.nCopies(missing, ""));
        padded.addAll(line);
        return headerVotes(padded, table) >= 0 && headerVotes(table.get(0), table.subList(1, table.size())) <= 0;
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
            records = records(text, delimiter, quote, LINES_TRIED, CELLS_TRIED);
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

    private static List<List<String>> records(String text, char delimiter, char quote, int limit, long cells) {
        List<List<String>> records = new ArrayList<>();
        long read = 0;
        CsvReader<CsvRecord> csv = reader(text, delimiter, quote);
        for (CsvRecord record : csv) {
            records.add(record.getFields());
            read += record.getFieldCount();
            if (records.size() >= limit || read >= cells) {
                break;
            }
        }
        return records;
    }

    /**
     * Reads the text's records into {@code into}, at most {@link #MAX_CELLS} values in all (a sample of 16 MiB of
     * one-character fields would otherwise be millions of strings); returns whether records were left unread.
     */
    private static boolean records(String text, char delimiter, char quote, List<List<String>> into) {
        long cells = 0;
        CsvReader<CsvRecord> csv = reader(text, delimiter, quote);
        for (CsvRecord record : csv) {
            cells += Math.max(1, record.getFieldCount());
            if (cells > MAX_CELLS && !into.isEmpty()) {
                return true;
            }
            into.add(record.getFields());
        }
        return false;
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
     * Whether the first row is a header, by the evidence of each column (as Python's {@code csv.Sniffer} weighs it):
     * a column whose values below are numbers, dates or booleans votes for a header when the first row's value is not
     * one, against when it is; a column of text votes for a header when the first row's value is a number or a date.
     * Without evidence either way (a table of text), the first row is a header when its names are distinct and not
     * empty. Empty and repeated names are allowed in a header: those columns are then found by position.
     */
    private static boolean looksLikeHeader(List<List<String>> rows, List<String> reasons) {
        if (rows.isEmpty()) {
            return true;
        }
        List<String> first = rows.get(0);
        int votes = headerVotes(first, rows.subList(1, rows.size()));
        if (votes > 0) {
            reasons.add("header: the first row names the columns (its values are not of the columns' types)");
            return true;
        }
        if (votes < 0) {
            reasons.add("no header: the first row holds values of the columns' types, not names");
            return false;
        }
        if (first.stream().anyMatch(String::isBlank)
                || first.stream().map(String::strip).distinct().count() != first.size()) {
            reasons.add("no header: the first row has empty or repeated names and the columns hold text");
            return false;
        }
        reasons.add("header: the first row names the columns");
        return true;
    }

    /** Rows of a column looked at to tell its type, for the header's evidence. */
    private static final int VOTE_ROWS = 200;

    /** For a header, against it, or neither: see {@link #looksLikeHeader}. */
    static int headerVotes(List<String> first, List<List<String>> data) {
        int votes = 0;
        List<List<String>> sample = data.size() > VOTE_ROWS ? data.subList(0, VOTE_ROWS) : data;
        for (int i = 0; i < first.size(); i++) {
            String name = first.get(i).strip();
            Kind kind = kindOf(sample, i);
            if (name.isEmpty() || kind == Kind.NONE) {
                continue;
            }
            if (kind == Kind.TEXT) {
                votes += looksTyped(name) ? 1 : 0;
            } else {
                votes += Kind.of(name) == kind ? -1 : 1;
            }
        }
        return votes;
    }

    /** What a column's values are, roughly: enough to see that a header's name is not one of them. */
    private enum Kind {
        NONE,
        NUMBER,
        DATE,
        BOOLEAN,
        TEXT;

        static Kind of(String value) {
            if (NUMBER_TEXT.matcher(value).matches()) {
                return NUMBER;
            }
            if (DATE_TEXT.matcher(value).matches()) {
                return DATE;
            }
            if (BOOLEAN_TEXT.contains(value.toLowerCase(Locale.ROOT))) {
                return BOOLEAN;
            }
            return TEXT;
        }
    }

    private static final Pattern NUMBER_TEXT =
            Pattern.compile("[+-]?[$]?(\\d+|\\d{1,3}([,. ]\\d{3})+)([.,]\\d+)?([eE][+-]?\\d+)?%?");
    private static final Pattern DATE_TEXT = Pattern.compile("\\d{1,4}[-/.]\\d{1,2}([-/.]\\d{1,4})?([ T].*)?");
    private static final Set<String> BOOLEAN_TEXT = Set.of("true", "false", "yes", "no");
    private static final Set<String> NO_VALUE = Set.of("", "na", "n/a", "null", "-", "nan");

    private static Kind kindOf(List<List<String>> rows, int column) {
        Kind kind = Kind.NONE;
        for (List<String> row : rows) {
            if (column >= row.size()) {
                continue;
            }
            String value = row.get(column).strip();
            if (NO_VALUE.contains(value.toLowerCase(Locale.ROOT))) {
                continue;
            }
            Kind of = Kind.of(value);
            if (kind == Kind.NONE) {
                kind = of;
            } else if (kind != of) {
                return Kind.TEXT;
            }
        }
        return kind;
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
        CharBuffer out = CharBuffer.allocate(1 << 16); // decoded and dropped: only whether it decodes matters
        while (true) {
            var result = decoder.decode(in, out, !truncated);
            if (result.isError()) {
                return false;
            }
            if (result.isUnderflow()) {
                // A sample cut inside a character leaves up to three bytes undecoded: that is the cut, not an error.
                return !truncated || in.remaining() < 4;
            }
            out.clear();
        }
    }

    /** The sample as text, in an encoding {@link #encoding} found it decodes in (up to a cut character). */
    private static String decode(byte[] sample, Charset encoding, boolean truncated) {
        CharsetDecoder decoder = encoding.newDecoder();
        ByteBuffer in = ByteBuffer.wrap(sample);
        CharBuffer out = CharBuffer.allocate(1 << 16);
        StringBuilder text = new StringBuilder(sample.length);
        while (true) {
            var result = decoder.decode(in, out, !truncated);
            out.flip();
            text.append(out);
            out.clear();
            if (result.isUnderflow() || result.isError()) {
                return text.toString();
            }
        }
    }
}
