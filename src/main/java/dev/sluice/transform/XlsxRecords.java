package dev.sluice.transform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads one sheet of an {@code .xlsx} workbook as records, streaming its XML with the JDK's StAX parser (no DTD, no
 * external entity): each row a record, its cells by their column letter (a gap is an empty cell), the line its row
 * number, so an error names the cell ({@code C17}). Cell values are text as the sheet stores them: a number as
 * written, a shared or inline string, a boolean as 1 or 0, a formula's cached value; a date is a serial number of
 * days, which {@link #dateText} converts exactly where the column is declared a date or timestamp. Memory holds the
 * shared strings (bounded) and one row; rows without values (a sheet of a million formatted empty rows) are skipped
 * as they stream. The workbook is copied to a temporary file first: its parts are read in an order its zip does not
 * keep.
 */
final class XlsxRecords extends StreamedRecords {
    /** The most characters of shared strings held: a workbook's text table, read whole before its sheet. */
    static final long MAX_SHARED_CHARS = 64L << 20;

    /** Asks for the sheet whose part is largest ({@code sluice init}: the data, not a sheet of notes). */
    static final String LARGEST = "\u0000largest";

    private static final XMLInputFactory XML = XMLInputFactory.newFactory();

    static {
        XML.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        XML.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    }

    private final Path copy;
    /** The most bytes the workbook, and each of its parts inflated, may have: a zip bomb inside fails at it. */
    private final long limit;

    private final ZipFile zip;
    private final String sheetName;
    private final boolean date1904;
    private final List<String> shared;
    /** For each cell style, whether it shows a number as a date: read only to show dates as dates. */
    private final boolean[] dateStyles;

    private final boolean styledDatesAsText;
    private final XMLStreamReader sheet;
    private final InputStream sheetStream;

    /** A malformed workbook, named by what was wrong; surfaces as an {@link UncheckedIOException} of it. */
    static final class MalformedException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    /**
     * @param sheet a sheet's name, or its 1-based position as text; empty for the first
     * @param limit the most bytes the workbook (and each of its parts, inflated) may have
     */
    XlsxRecords(InputStream body, Optional<String> sheet, long limit) throws IOException {
        this(body, sheet, limit, false);
    }

    /**
     * @param styledDatesAsText whether a number the sheet shows as a date reads as its ISO text ({@code sluice
     *                          init}, which has no declared types to go by)
     */
    XlsxRecords(InputStream body, Optional<String> sheet, long limit, boolean styledDatesAsText) throws IOException {
        this.styledDatesAsText = styledDatesAsText;
        this.limit = limit;
        copy = Files.createTempFile("sluice-", ".xlsx");
        boolean done = false;
        try {
            try (InputStream in = new LimitedStream(body, limit)) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            try {
                zip = new ZipFile(copy.toFile());
            } catch (java.util.zip.ZipException e) {
                throw new MalformedException("is not an .xlsx workbook (not a zip: " + e.getMessage() + ")");
            }
            Workbook workbook = workbook(sheet);
            sheetName = workbook.sheetName;
            date1904 = workbook.date1904;
            shared = sharedStrings();
            dateStyles = styledDatesAsText ? dateStyles() : new boolean[0];
            ZipEntry entry = zip.getEntry(workbook.sheetPath);
            if (entry == null) {
                throw new MalformedException("its sheet '" + sheetName + "' has no part " + workbook.sheetPath);
            }
            sheetStream = zip.getInputStream(entry);
            this.sheet = reader(sheetStream);
            done = true;
        } catch (XMLStreamException e) {
            throw new MalformedException("is not a well-formed workbook: " + e.getMessage());
        } finally {
            if (!done) {
                close();
            }
        }
    }

    /** The sheet read, for messages. */
    String sheetName() {
        return sheetName;
    }

    private record Workbook(String sheetName, String sheetPath, boolean date1904) {}

    /** The sheet asked for (by name, else by position), where its part is, and the workbook's date system. */
    private Workbook workbook(Optional<String> wanted) throws IOException, XMLStreamException {
        List<String[]> sheets = new ArrayList<>();
        boolean date1904 = false;
        XMLStreamReader xml = reader(part("xl/workbook.xml"));
        while (xml.hasNext()) {
            if (xml.next() == XMLStreamConstants.START_ELEMENT) {
                String name = xml.getLocalName();
                if (name.equals("workbookPr")) {
                    String value = xml.getAttributeValue(null, "date1904");
                    date1904 = "1".equals(value) || "true".equals(value);
                } else if (name.equals("sheet")) {
                    sheets.add(new String[] {xml.getAttributeValue(null, "name"), relationId(xml)});
                }
            }
        }
        if (sheets.isEmpty()) {
            throw new MalformedException("has no sheet");
        }
        Map<String, String> targets = new HashMap<>();
        XMLStreamReader rels = reader(part("xl/_rels/workbook.xml.rels"));
        while (rels.hasNext()) {
            if (rels.next() == XMLStreamConstants.START_ELEMENT
                    && rels.getLocalName().equals("Relationship")) {
                targets.put(rels.getAttributeValue(null, "Id"), rels.getAttributeValue(null, "Target"));
            }
        }
        String[] chosen = sheets.get(0);
        if (wanted.isPresent() && wanted.get().equals(LARGEST)) {
            long largest = -1;
            for (String[] candidate : sheets) {
                String target = targets.get(candidate[1]);
                ZipEntry entry = target == null ? null : zip.getEntry(partPath(target));
                if (entry != null && entry.getSize() > largest) {
                    largest = entry.getSize();
                    chosen = candidate;
                }
            }
        } else if (wanted.isPresent()) {
            chosen = sheets.stream()
                    .filter(s -> s[0].equals(wanted.get()))
                    .findFirst()
                    .orElse(null);
            if (chosen == null && wanted.get().matches("\\d{1,4}")) {
                int position = Integer.parseInt(wanted.get());
                chosen = position >= 1 && position <= sheets.size() ? sheets.get(position - 1) : null;
            }
            if (chosen == null) {
                throw new MalformedException("has no sheet '" + wanted.get() + "'; it has "
                        + sheets.stream().map(s -> "'" + s[0] + "'").toList());
            }
        }
        String target = targets.get(chosen[1]);
        if (target == null) {
            throw new MalformedException("names no part for its sheet '" + chosen[0] + "'");
        }
        return new Workbook(chosen[0], partPath(target), date1904);
    }

    /** A relationship's target as the zip names it: relative to {@code xl/}, or from the root. */
    private static String partPath(String target) {
        return target.startsWith("/") ? target.substring(1) : "xl/" + target;
    }

    private static String relationId(XMLStreamReader xml) {
        for (int i = 0; i < xml.getAttributeCount(); i++) {
            if (xml.getAttributeLocalName(i).equals("id")) {
                return xml.getAttributeValue(i);
            }
        }
        return "";
    }

    /** The workbook's shared strings, in order; rich text runs joined. */
    private List<String> sharedStrings() throws IOException, XMLStreamException {
        List<String> strings = new ArrayList<>();
        ZipEntry entry = zip.getEntry("xl/sharedStrings.xml");
        if (entry == null) {
            return strings;
        }
        long chars = 0;
        XMLStreamReader xml = reader(zip.getInputStream(entry));
        StringBuilder text = null;
        boolean inPhonetic = false;
        while (xml.hasNext()) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                switch (xml.getLocalName()) {
                    case "si" -> text = new StringBuilder();
                    case "rPh" -> inPhonetic = true;
                    case "t" -> {
                        if (text != null && !inPhonetic) {
                            text.append(xml.getElementText());
                        }
                    }
                    default -> {}
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                if (xml.getLocalName().equals("rPh")) {
                    inPhonetic = false;
                } else if (xml.getLocalName().equals("si") && text != null) {
                    chars += text.length();
                    if (chars > MAX_SHARED_CHARS) {
                        throw new MalformedException("holds more than " + (MAX_SHARED_CHARS >> 20)
                                + " MiB of shared strings, more than sluice holds; export the sheet as CSV");
                    }
                    strings.add(text.toString());
                    text = null;
                }
            }
        }
        return strings;
    }

    /**
     * Which cell styles show a number as a date or time: the built-in formats 14 to 22 and 45 to 47, and custom ones
     * whose code has a date or time letter outside quotes and brackets.
     */
    private boolean[] dateStyles() throws IOException, XMLStreamException {
        ZipEntry entry = zip.getEntry("xl/styles.xml");
        if (entry == null) {
            return new boolean[0];
        }
        Map<Integer, Boolean> custom = new HashMap<>();
        List<Boolean> styles = new ArrayList<>();
        boolean inCellXfs = false;
        XMLStreamReader xml = reader(zip.getInputStream(entry));
        while (xml.hasNext()) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                switch (xml.getLocalName()) {
                    case "numFmt" ->
                        custom.put(
                                Integer.parseInt(xml.getAttributeValue(null, "numFmtId")),
                                isDateFormat(xml.getAttributeValue(null, "formatCode")));
                    case "cellXfs" -> inCellXfs = true;
                    case "xf" -> {
                        if (inCellXfs) {
                            String id = xml.getAttributeValue(null, "numFmtId");
                            int format = id == null ? 0 : Integer.parseInt(id);
                            styles.add(custom.getOrDefault(
                                    format, (format >= 14 && format <= 22) || (format >= 45 && format <= 47)));
                        }
                    }
                    default -> {}
                }
            } else if (event == XMLStreamConstants.END_ELEMENT
                    && xml.getLocalName().equals("cellXfs")) {
                inCellXfs = false;
            }
        }
        boolean[] dates = new boolean[styles.size()];
        for (int i = 0; i < dates.length; i++) {
            dates[i] = styles.get(i);
        }
        return dates;
    }

    private static boolean isDateFormat(String code) {
        if (code == null) {
            return false;
        }
        String bare = code.replaceAll("\"[^\"]*\"|\\[[^]]*]|\\\\.", "").toLowerCase(Locale.ROOT);
        return bare.matches(".*[ydhs].*") || bare.matches(".*m.*") && !bare.matches("[#0.,%e+\\- ]*");
    }

    private InputStream part(String name) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new MalformedException("is not an .xlsx workbook (it has no " + name + ")");
        }
        return zip.getInputStream(entry);
    }

    private XMLStreamReader reader(InputStream in) throws XMLStreamException {
        return XML.createXMLStreamReader(new LimitedStream(in, limit));
    }

    @Override
    protected SourceRecord read() throws IOException {
        try {
            return readRow();
        } catch (XMLStreamException e) {
            throw new MalformedException("is not a well-formed sheet: " + e.getMessage());
        }
    }

    /** The next row holding a value, or null at the sheet's end. */
    private SourceRecord readRow() throws XMLStreamException, IOException {
        long rowNumber = 0;
        List<String> cells = null;
        String type = null;
        int style = 0;
        int column = -1;
        StringBuilder value = null;
        while (sheet.hasNext()) {
            int event = sheet.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                switch (sheet.getLocalName()) {
                    case "row" -> {
                        String r = sheet.getAttributeValue(null, "r");
                        rowNumber = r == null ? rowNumber + 1 : Long.parseLong(r);
                        cells = new ArrayList<>();
                    }
                    case "c" -> {
                        String ref = sheet.getAttributeValue(null, "r");
                        column = ref == null ? (cells == null ? 0 : cells.size()) : columnIndex(ref);
                        type = sheet.getAttributeValue(null, "t");
                        String s = sheet.getAttributeValue(null, "s");
                        style = s == null ? 0 : Integer.parseInt(s.trim());
                        value = new StringBuilder();
                    }
                    case "v", "t" -> {
                        if (value != null) {
                            value.append(sheet.getElementText());
                        }
                    }
                    default -> {}
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                switch (sheet.getLocalName()) {
                    case "c" -> {
                        String text = cellText(type, value.toString(), rowNumber, column);
                        if (styledDatesAsText
                                && (type == null || type.equals("n"))
                                && style >= 0
                                && style < dateStyles.length
                                && dateStyles[style]
                                && !text.isEmpty()) {
                            text = dateText(text, text.contains(".")).orElse(text);
                        }
                        if (!text.isEmpty()) {
                            while (cells.size() < column) {
                                cells.add("");
                            }
                            if (cells.size() == column) {
                                cells.add(text);
                            } else if (column < cells.size()) {
                                cells.set(column, text);
                            }
                        }
                        value = null;
                    }
                    case "row" -> {
                        if (!cells.isEmpty()) {
                            return SourceRecord.of(rowNumber, cells);
                        }
                    }
                    case "sheetData" -> {
                        return null;
                    }
                    default -> {}
                }
            }
        }
        return null;
    }

    /** A cell's value as text: a shared string looked up, a boolean as 1 or 0, an error code refused. */
    private String cellText(String type, String raw, long row, int column) throws MalformedException {
        if (type == null || type.equals("n") || type.equals("str") || type.equals("inlineStr")) {
            return raw;
        }
        switch (type) {
            case "s" -> {
                int index;
                try {
                    index = Integer.parseInt(raw.trim());
                } catch (NumberFormatException e) {
                    throw new MalformedException("cell " + reference(column, row) + " names no shared string");
                }
                if (index < 0 || index >= shared.size()) {
                    throw new MalformedException("cell " + reference(column, row) + " names shared string " + index
                            + " of " + shared.size());
                }
                return shared.get(index);
            }
            case "b" -> {
                return raw.trim();
            }
            case "e" -> {
                // #N/A, #DIV/0!: the sheet's own error, as text, which a typed column then refuses naming the cell.
                return raw;
            }
            default -> {
                return raw;
            }
        }
    }

    /** {@code C17} for the third column of row 17. */
    static String reference(int column, long row) {
        StringBuilder letters = new StringBuilder();
        for (int n = column + 1; n > 0; n = (n - 1) / 26) {
            letters.insert(0, (char) ('A' + (n - 1) % 26));
        }
        return letters.toString() + row;
    }

    /** The 0-based column of a cell reference ({@code C17} is 2). */
    static int columnIndex(String reference) throws MalformedException {
        int column = 0;
        int i = 0;
        for (; i < reference.length() && Character.isLetter(reference.charAt(i)); i++) {
            column = column * 26 + (Character.toUpperCase(reference.charAt(i)) - 'A' + 1);
            if (column > 16_384) {
                throw new MalformedException("has a cell past column XFD: " + dev.sluice.Excerpt.of(reference, 20));
            }
        }
        if (i == 0) {
            throw new MalformedException("has a cell without a column: " + dev.sluice.Excerpt.of(reference, 20));
        }
        return column - 1;
    }

    /**
     * A serial date (days since the workbook's epoch, the fraction the time of day) as ISO 8601 text, exactly: the
     * time to the millisecond, which is what Excel keeps. Empty when {@code text} is not a number (a date written as
     * text is left to the column's pattern).
     */
    Optional<String> dateText(String text, boolean withTime) throws MalformedException {
        BigDecimal serial;
        try {
            serial = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (serial.signum() < 0 || serial.compareTo(BigDecimal.valueOf(2_958_466)) >= 0) {
            throw new MalformedException("date serial " + text + " is outside Excel's dates (1900 to 9999)");
        }
        long days = serial.setScale(0, RoundingMode.FLOOR).longValueExact();
        long millis = serial.subtract(BigDecimal.valueOf(days))
                .multiply(BigDecimal.valueOf(86_400_000L))
                .setScale(0, RoundingMode.HALF_UP)
                .longValueExact();
        LocalDate date;
        if (date1904) {
            date = LocalDate.of(1904, 1, 1).plusDays(days);
        } else if (days == 60) {
            throw new MalformedException("date serial 60 is 1900-02-29, a day Excel counts and the calendar does not");
        } else {
            // Excel counts 1900 as a leap year: serials from 61 are a day ahead of a count from 1899-12-31.
            date = (days < 60 ? LocalDate.of(1899, 12, 31) : LocalDate.of(1899, 12, 30)).plusDays(days);
        }
        LocalDateTime at = date.atStartOfDay().plusNanos(millis * 1_000_000L);
        return Optional.of(withTime ? at.toString() : at.toLocalDate().toString());
    }

    @Override
    public void close() {
        try {
            if (sheetStream != null) {
                sheetStream.close();
            }
            if (zip != null) {
                zip.close();
            }
        } catch (IOException ignored) {
            // Closing a read-only temporary copy: nothing to lose.
        } finally {
            try {
                Files.deleteIfExists(copy);
            } catch (IOException ignored) {
                // The temporary directory is cleaned with the run's.
            }
        }
    }

    /** Fails a stream past {@code limit} bytes: a workbook, or a part of it inflated. */
    private static final class LimitedStream extends java.io.FilterInputStream {
        private final long limit;
        private long read;

        LimitedStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            int n = super.read(target, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(int n) throws MalformedException {
            read += n;
            if (read > limit) {
                throw new MalformedException(String.format(
                        Locale.ROOT, "unpacks to more than %,d bytes (fetch.max_bytes): a zip bomb?", limit));
            }
        }
    }
}
