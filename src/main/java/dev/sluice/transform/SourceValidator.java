package dev.sluice.transform;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.config.CsvFormat;
import dev.sluice.config.InvalidRowPolicy;
import dev.sluice.config.InvalidRows;
import dev.sluice.config.RowFilter;
import dev.sluice.config.ShortHeader;
import dev.sluice.config.ShortRows;
import dev.sluice.config.SourceSpec;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Reads one source's files, one after the other, each in a single streaming pass, in constant memory: checks each
 * file's header by name (or reads it by position), filters, types every used value, collects every problem (source,
 * file, line, column, value, reason) up to the cap, and hands each valid row to a {@link RowSink}. Entry point:
 * {@link #validate}.
 */
public final class SourceValidator {

    /** Told how many rows of a source have been read so far, for progress on a terminal. */
    @FunctionalInterface
    public interface RowProgress {
        RowProgress NONE = (source, rows) -> {};

        void rows(String source, long rowsRead);
    }

    private static final int PROGRESS_EVERY = 1 << 16;

    private final InvalidRows rules;
    private final RowProgress progress;

    public SourceValidator(InvalidRows rules, RowProgress progress) {
        this.rules = rules;
        this.progress = progress;
    }

    /** A source of one file. */
    public SourceReport validate(SourceSpec source, CsvInput body, RowSink sink) {
        return validate(source, List.of(new CsvFile(null, body)), sink, RejectSink.NONE);
    }

    /** A source of several files, without quarantine. */
    public SourceReport validate(SourceSpec source, List<CsvFile> files, RowSink sink) {
        return validate(source, files, sink, RejectSink.NONE);
    }

    /**
     * Reads a source's files from their first byte (a body may still be arriving: see extract's bodies) and hands
     * every valid, kept row to {@code sink}. A body is opened again only to locate an undecodable byte.
     *
     * @param rejects receives each invalid row with {@code quarantine}
     * @throws MissingColumnsException when a file's header lacks a used column
     * @throws InvalidRowsException    when a file is malformed, the source has no data rows, or (with
     *                                 {@code FAIL_RUN}, or past {@code max_invalid}) has invalid values; the sink
     *                                 may have received rows before the problem was found, which is why sinks
     *                                 write inside a transaction
     */
    public SourceReport validate(SourceSpec source, List<CsvFile> files, RowSink sink, RejectSink rejects) {
        ProblemLog problems = new ProblemLog(source.name(), rules.maxProblems());
        RowCounts counts = new RowCounts();
        List<SourceReport.FileRows> perFile = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (int index = 0; index < files.size(); index++) {
            CsvFile file = files.get(index);
            problems.inFile(file.label());
            long readBefore = counts.read;
            long keptBefore = counts.kept;
            readFile(source, index, file, problems, counts, sink, rejects);
            perFile.add(new SourceReport.FileRows(
                    file.label(),
                    counts.read - readBefore,
                    counts.kept - keptBefore,
                    SourceReport.FileRows.bounded(counts.header)));
            if (counts.read == readBefore && files.size() > 1) {
                warnings.add(source.name() + " " + file.label() + ": no data rows");
            }
        }
        progress.rows(source.name(), counts.read);
        counts.unseen.stream()
                .distinct()
                .forEach(path -> warnings.add(source.name() + ": no record has the field " + path
                        + " (loaded as no value; renamed upstream?)"));
        return finish(source, counts, perFile, problems, warnings);
    }

    private void readFile(
            SourceSpec source,
            int index,
            CsvFile file,
            ProblemLog problems,
            RowCounts counts,
            RowSink sink,
            RejectSink rejects) {
        counts.rejects = rejects;
        counts.lastLine = 0;
        counts.header = null;
        if (source.format().syntax() == CsvFormat.Syntax.JSON) {
            readJsonFile(source, index, file, problems, counts, sink);
            return;
        }
        if (source.format().syntax() == CsvFormat.Syntax.XLSX) {
            readWorkbook(source, index, file, problems, counts, sink);
            return;
        }
        // The body is closed even when opening the reader fails: reading its first bytes may already throw (a
        // download that failed, a body sniffed as HTML), and a body still arriving holds its file open.
        try (InputStream closedAtEnd = file.input().open();
                CsvReader<CsvRecord> csv = CsvOpener.open(source.format(), closedAtEnd)) {
            Iterator<SourceRecord> records = new Iterator<>() {
                private final Iterator<CsvRecord> read = csv.iterator();

                @Override
                public boolean hasNext() {
                    return read.hasNext();
                }

                @Override
                public SourceRecord next() {
                    return SourceRecord.of(read.next());
                }
            };
            if (!records.hasNext()) {
                throw new InvalidRowsException(
                        ErrorKind.NOT_CSV,
                        List.of(problems.problem(
                                source.format().skipLines() + 1L,
                                null,
                                source.format().header() == CsvFormat.Header.PRESENT
                                        ? "the file has no header"
                                        : "the file has no rows")),
                        1);
            }
            ColumnPlan plan;
            if (source.format().header() == CsvFormat.Header.PRESENT) {
                SourceRecord header = records.next();
                counts.lastLine = header.line();
                List<String> names = header.fields();
                counts.header = names;
                SourceRecord first = null;
                if (source.format().shortHeader() == ShortHeader.ROW_NAMES && records.hasNext()) {
                    // The first row says how many unnamed fields precede the named ones.
                    first = records.next();
                    names = withRowNames(names, first.fieldCount() - names.size());
                }
                plan = ColumnPlan.fromHeader(source, problems, file.label(), counts.lastLine, names);
                if (first != null) {
                    readRow(source, index, first, plan, problems, counts, sink);
                }
                readRows(source, index, records, plan, problems, counts, sink);
            } else {
                SourceRecord first = records.next();
                plan = ColumnPlan.byPosition(source, problems, first.line(), first.fieldCount());
                readRow(source, index, first, plan, problems, counts, sink);
                readRows(source, index, records, plan, problems, counts, sink);
            }
        } catch (CsvParseException e) {
            // FastCSV wraps whatever its reader throws: a download that failed or restarted under a body being read
            // while it arrives is that error, not malformed CSV; and so is a byte the encoding does not define.
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof SluiceException own) {
                    throw own;
                }
                if (cause instanceof StrictTextReader.UndecodableTextException undecodable) {
                    throw undecodable(source, file, problems, undecodable);
                }
            }
            // FastCSV says a field outgrew its buffer as a possibly unclosed quote; say what it is first.
            String reason = e.getMessage() != null && e.getMessage().contains("maximum buffer size")
                    ? "has a field longer than " + String.format(Locale.ROOT, "%,d", CsvOpener.MAX_FIELD_CHARS)
                            + " characters, the longest sluice reads (an unclosed quote, or not CSV)"
                    : "is not well-formed CSV: " + e.getMessage();
            throw problems.exceptionLedBy(ErrorKind.NOT_CSV, counts.lastLine + 1, reason + " (at or after this line)");
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof StrictTextReader.UndecodableTextException undecodable) {
                throw undecodable(source, file, problems, undecodable);
            }
            throw unreadable(source, e.getCause());
        } catch (IOException e) {
            throw unreadable(source, e);
        }
    }

    /**
     * A JSON file: its records' fields at the paths the columns and filters name, as the header a CSV file would
     * have; a field a record lacks is no value. A path no record of the file has is said in a warning (a field
     * renamed upstream would otherwise load as empty forever).
     */
    private void readJsonFile(
            SourceSpec source, int index, CsvFile file, ProblemLog problems, RowCounts counts, RowSink sink) {
        List<String> paths = new ArrayList<>();
        source.columns().forEach(c -> paths.add(c.header()));
        source.filters().stream()
                .map(RowFilter::header)
                .filter(h -> !paths.contains(h))
                .forEach(paths::add);
        counts.header = paths;
        try (InputStream closedAtEnd = file.input().open();
                JsonRecords records =
                        new JsonRecords(closedAtEnd, paths, source.format().records())) {
            ColumnPlan plan = ColumnPlan.fromHeader(source, problems, file.label(), 1, paths);
            long before = counts.read;
            readRows(source, index, records, plan, problems, counts, sink);
            if (counts.read == before) {
                return;
            }
            for (int i = 0; i < source.columns().size(); i++) {
                if (!records.seen(i)) {
                    counts.unseen.add(source.columns().get(i).header());
                }
            }
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException json) {
                throw malformedJson(problems, counts, json);
            }
            throw unreadable(source, e.getCause());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw malformedJson(problems, counts, e);
        } catch (IOException e) {
            throw unreadable(source, e);
        }
    }

    /**
     * A workbook's sheet: rows as records, the row number their line, the rows up to {@code skip_lines} skipped, the
     * first row left the header (or rows by position without one); a date or timestamp column's serial numbers become
     * the ISO text the column's parser reads; a problem names its cell.
     */
    private void readWorkbook(
            SourceSpec source, int index, CsvFile file, ProblemLog problems, RowCounts counts, RowSink sink) {
        try (InputStream closedAtEnd = file.input().open();
                XlsxRecords sheet = new XlsxRecords(
                        closedAtEnd, source.format().records(), source.fetch().maxBytes())) {
            problems.inFile((file.label() == null ? "" : file.label() + " ") + "sheet '" + sheet.sheetName() + "'");
            int skip = source.format().skipLines();
            SourceRecord first = null;
            while (sheet.hasNext()) {
                SourceRecord row = sheet.next();
                if (row.line() > skip) {
                    first = row;
                    break;
                }
            }
            if (first == null) {
                throw new InvalidRowsException(
                        ErrorKind.NOT_CSV, List.of(problems.problem(skip + 1L, null, "the sheet has no rows")), 1);
            }
            ColumnPlan plan;
            Iterator<SourceRecord> rows;
            if (source.format().header() == CsvFormat.Header.PRESENT) {
                counts.lastLine = first.line();
                counts.header = first.fields();
                plan = ColumnPlan.fromHeader(source, problems, file.label(), first.line(), first.fields());
                rows = sheet;
            } else {
                plan = ColumnPlan.byPosition(source, problems, first.line(), Math.max(1, widest(source)));
                SourceRecord head = first;
                rows = new Iterator<>() {
                    private boolean firstGiven;

                    @Override
                    public boolean hasNext() {
                        return !firstGiven || sheet.hasNext();
                    }

                    @Override
                    public SourceRecord next() {
                        if (!firstGiven) {
                            firstGiven = true;
                            return head;
                        }
                        return sheet.next();
                    }
                };
            }
            plan.cellReferences = true;
            Iterator<SourceRecord> dated = withDates(source, plan, sheet, rows);
            readRows(source, index, dated, plan, problems, counts, sink);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof XlsxRecords.MalformedException malformed) {
                throw problems.exceptionLedBy(ErrorKind.NOT_CSV, counts.lastLine + 1, malformed.getMessage());
            }
            throw unreadable(source, e.getCause());
        } catch (XlsxRecords.MalformedException e) {
            throw problems.exceptionLedBy(ErrorKind.NOT_CSV, counts.lastLine + 1, e.getMessage());
        } catch (IOException e) {
            throw unreadable(source, e);
        }
    }

    /** The widest position a column of the source is at: a sheet without a header has that many fields. */
    private static int widest(SourceSpec source) {
        return source.columns().stream()
                .mapToInt(c -> c.position().orElse(0))
                .max()
                .orElse(0);
    }

    /** The rows with each date and timestamp column's serial numbers as ISO text. */
    private static Iterator<SourceRecord> withDates(
            SourceSpec source, ColumnPlan plan, XlsxRecords sheet, Iterator<SourceRecord> rows) {
        java.util.Map<Integer, Boolean> temporal = new java.util.HashMap<>();
        for (int i = 0; i < source.columns().size(); i++) {
            dev.sluice.config.ColumnType type = source.columns().get(i).type();
            if (type.isTemporal() && source.columns().get(i).format().epoch().isEmpty()) {
                temporal.put(plan.columnIndex[i], type != dev.sluice.config.ColumnType.DATE);
            }
        }
        if (temporal.isEmpty()) {
            return rows;
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public SourceRecord next() {
                SourceRecord row = rows.next();
                List<String> cells = new ArrayList<>(row.fields());
                for (java.util.Map.Entry<Integer, Boolean> column : temporal.entrySet()) {
                    int at = column.getKey();
                    if (at < cells.size() && !cells.get(at).isEmpty()) {
                        try {
                            String text = cells.get(at);
                            cells.set(
                                    at, sheet.dateText(text, column.getValue()).orElse(text));
                        } catch (XlsxRecords.MalformedException e) {
                            // Left as it is: the column's parser then refuses it, naming the cell.
                        }
                    }
                }
                return SourceRecord.of(row.line(), cells);
            }
        };
    }

    private static InvalidRowsException malformedJson(
            ProblemLog problems, RowCounts counts, com.fasterxml.jackson.core.JsonProcessingException e) {
        long line = e.getLocation() != null && e.getLocation().getLineNr() > 0
                ? e.getLocation().getLineNr()
                : counts.lastLine + 1;
        String reason = e.getOriginalMessage();
        int cut = reason.indexOf('\n');
        reason = cut >= 0 ? reason.substring(0, cut) : reason;
        if (reason.contains("Unexpected end-of-input")) {
            reason = "ends early: the file is truncated (" + reason + ")";
        }
        return problems.exceptionLedBy(ErrorKind.NOT_CSV, line, "is not well-formed JSON: " + reason);
    }

    /** The header preceded by an empty name for each of the rows' {@code unnamed} leading fields. */
    private static List<String> withRowNames(List<String> header, int unnamed) {
        if (unnamed <= 0) {
            return header;
        }
        List<String> names = new ArrayList<>(Collections.nCopies(unnamed, ""));
        names.addAll(header);
        return names;
    }

    private static SluiceException unreadable(SourceSpec source, IOException e) {
        return new SluiceException(
                ErrorKind.LOCAL_IO, source.name() + ": cannot read the downloaded file: " + e.getMessage(), e);
    }

    /** A byte the declared encoding does not define: the error names its line, and what to declare instead. */
    private static InvalidRowsException undecodable(
            SourceSpec source, CsvFile file, ProblemLog problems, StrictTextReader.UndecodableTextException e) {
        boolean utf8 = source.format().encoding().equals(StandardCharsets.UTF_8);
        String name = utf8 ? "UTF-8" : source.format().encoding().name();
        String reason = String.format(
                        Locale.ROOT, "is not valid %s (byte 0x%02X at offset %,d)", name, e.value(), e.offset())
                + (utf8 ? "; if the file is in another encoding, declare it, for example encoding: windows-1252" : "");
        return problems.exceptionLedBy(ErrorKind.NOT_CSV, lineAt(source, file, e.offset()), reason);
    }

    /** The 1-based line holding byte {@code offset}: counted only on this rare error path, not while reading. */
    private static long lineAt(SourceSpec source, CsvFile file, long offset) {
        long line = 1;
        try (InputStream in = new BufferedInputStream(file.input().open(), 1 << 16)) {
            for (long i = 0; i < offset; i++) {
                if (in.read() == '\n') {
                    line++;
                }
            }
        } catch (IOException e) {
            throw unreadable(source, e);
        }
        return line;
    }

    /** Mutable tallies of one pass; kept together so that an exception handler can still read them. */
    private static final class RowCounts {
        long read;
        long kept;
        long filtered;
        long invalid;
        long lastLine;
        /** The current file's header as written, or null without one. */
        List<String> header;

        Object[] values;
        RejectSink rejects = RejectSink.NONE;
        /** JSON paths no record of a file had. */
        final List<String> unseen = new ArrayList<>();
    }

    private void readRows(
            SourceSpec source,
            int file,
            Iterator<SourceRecord> records,
            ColumnPlan plan,
            ProblemLog problems,
            RowCounts counts,
            RowSink sink) {
        while (records.hasNext()) {
            readRow(source, file, records.next(), plan, problems, counts, sink);
        }
    }

    private void readRow(
            SourceSpec source,
            int file,
            SourceRecord record,
            ColumnPlan plan,
            ProblemLog problems,
            RowCounts counts,
            RowSink sink) {
        if (counts.values == null || counts.values.length != plan.parsers.length) {
            counts.values = new Object[plan.parsers.length];
        }
        long line = record.line();
        counts.lastLine = line;
        counts.read++;
        if (counts.read % PROGRESS_EVERY == 0) {
            progress.rows(source.name(), counts.read);
        }
        RowProblem invalid = null;
        int fields = record.fieldCount();
        if (fields > plan.fieldCount
                || (fields < plan.fieldCount && source.format().shortRows() == ShortRows.FAIL)) {
            invalid = problems.add(
                    line,
                    null,
                    String.join(String.valueOf(source.format().delimiter()), record.fields()),
                    "has " + record.fieldCount() + " fields; the "
                            + (source.format().header() == CsvFormat.Header.PRESENT ? "header" : "first row")
                            + " has " + plan.fieldCount);
        } else if (!passesFilters(plan, record)) {
            counts.filtered++;
            return;
        } else {
            invalid = typeRow(plan, record, line, problems, counts.values);
            if (invalid == null) {
                sink.accept(file, line, counts.values);
                counts.kept++;
                return;
            }
        }
        counts.invalid++;
        if (rules.policy() == InvalidRowPolicy.QUARANTINE) {
            counts.rejects.reject(invalid, rawLine(source.format(), record));
        }
    }

    /** How the warning of a run that quarantined rows reads after the source's name: the CLI points to them. */
    public static final String QUARANTINED = ": quarantined ";

    /** The most characters of a quarantined row kept: a source controls its rows, and rows can be megabytes. */
    static final int RAW_LINE_CHARS = 10_000;

    /**
     * The row's fields as CSV again: quoted where they hold the delimiter, a quote or a line break; cut at
     * {@link #RAW_LINE_CHARS}, saying how long it was.
     */
    private static String rawLine(CsvFormat format, SourceRecord record) {
        StringBuilder line = new StringBuilder();
        String quote = String.valueOf(format.quote());
        long length = 0;
        for (int i = 0; i < record.fieldCount(); i++) {
            String field = record.field(i);
            length += field.length() + 1;
            if (line.length() >= RAW_LINE_CHARS) {
                continue;
            }
            if (i > 0) {
                line.append(format.delimiter());
            }
            if (field.indexOf(format.delimiter()) >= 0
                    || field.contains(quote)
                    || field.indexOf('\n') >= 0
                    || field.indexOf('\r') >= 0) {
                line.append(quote).append(field.replace(quote, quote + quote)).append(quote);
            } else {
                line.append(field);
            }
        }
        if (line.length() > RAW_LINE_CHARS) {
            line.setLength(RAW_LINE_CHARS);
            line.append(String.format(Locale.ROOT, "... (cut: the row has %,d characters)", length - 1));
        }
        return line.toString();
    }

    private static boolean passesFilters(ColumnPlan plan, SourceRecord record) {
        RowFilter[] filters = plan.filters;
        for (int i = 0; i < filters.length; i++) {
            if (!filters[i].matches(field(record, plan.filterIndex[i]).strip())) {
                return false;
            }
        }
        return true;
    }

    /** A row's field, or empty past its end: a short row read with {@code short_rows: pad}. */
    private static String field(SourceRecord record, int index) {
        return index < record.fieldCount() ? record.field(index) : "";
    }

    /** Types the row into {@code values}; returns its first problem, or null when it is valid. */
    private static RowProblem typeRow(
            ColumnPlan plan, SourceRecord record, long line, ProblemLog problems, Object[] values) {
        RowProblem first = null;
        for (int i = 0; i < values.length; i++) {
            String raw = field(record, plan.columnIndex[i]);
            String text = raw.strip();
            boolean spelledNull = !text.isEmpty() && plan.nullValues[i] != null && plan.nullValues[i].contains(text);
            if (text.isEmpty() || spelledNull) {
                values[i] = null;
                if (plan.required[i]) {
                    RowProblem problem = problems.add(
                            line,
                            plan.label(i, line),
                            raw,
                            spelledNull
                                    ? "means no value (null_values); a value is required"
                                    : "is empty; a value is required");
                    first = first == null ? problem : first;
                }
                continue;
            }
            try {
                values[i] = plan.parsers[i].parse(text);
            } catch (InvalidValueException e) {
                RowProblem problem = problems.add(line, plan.label(i, line), raw, e.getMessage());
                first = first == null ? problem : first;
            }
        }
        return first;
    }

    private SourceReport finish(
            SourceSpec source,
            RowCounts counts,
            List<SourceReport.FileRows> files,
            ProblemLog problems,
            List<String> warnings) {
        if (counts.read == 0) {
            throw new InvalidRowsException(
                    ErrorKind.EMPTY_SOURCE,
                    List.of(new RowProblem(
                            source.name(),
                            null,
                            source.format().skipLines() + 1L,
                            null,
                            null,
                            files.size() > 1
                                    ? "none of its " + files.size() + " files has data rows"
                                    : "the file has a header but no data rows")),
                    1);
        }
        if (problems.count() > 0) {
            switch (rules.policy()) {
                case FAIL_RUN -> throw problems.exception(ErrorKind.INVALID_VALUE);
                case SKIP ->
                    warnings.add(source.name() + ": skipped " + counts.invalid
                            + " invalid rows (invalid_rows: skip); first: "
                            + problems.first().describe());
                case QUARANTINE -> {
                    long allowed = rules.maxInvalid().of(counts.read);
                    if (counts.invalid > allowed) {
                        throw problems.exceptionSaying(
                                ErrorKind.INVALID_VALUE,
                                String.format(
                                        Locale.ROOT,
                                        "%s: %,d invalid rows of %,d, more than max_invalid %s allows (%,d); the"
                                                + " first: %s",
                                        source.name(),
                                        counts.invalid,
                                        counts.read,
                                        rules.maxInvalid(),
                                        allowed,
                                        problems.first().describe()));
                    }
                    warnings.add(source.name() + QUARANTINED + counts.invalid + " invalid rows of " + counts.read
                            + " (invalid_rows: quarantine, max_invalid " + rules.maxInvalid()
                            + "); first: " + problems.first().describe());
                }
            }
        }
        if (counts.kept == 0 && counts.filtered > 0) {
            warnings.add(source.name() + ": the filters ("
                    + String.join(
                            ", ",
                            source.filters().stream().map(RowFilter::describe).toList()) + ") kept none of "
                    + counts.read
                    + " rows");
        }
        return new SourceReport(
                source.name(),
                counts.read,
                counts.kept,
                counts.filtered,
                counts.invalid,
                files,
                problems.problems(),
                problems.count(),
                warnings);
    }
}
