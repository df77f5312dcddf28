package dev.sluice.transform;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.config.InvalidRowPolicy;
import dev.sluice.config.RowFilter;
import dev.sluice.config.SourceSpec;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads one source's CSV file in a single streaming pass, in constant memory: checks the header by name, filters,
 * types every used value, collects every problem (source, line, column, value, reason) up to the cap, and hands
 * each valid row to a {@link RowSink}. Entry point: {@link #validate}.
 */
public final class SourceValidator {

    /** Told how many rows of a source have been read so far, for progress on a terminal. */
    @FunctionalInterface
    public interface RowProgress {
        RowProgress NONE = (source, rows) -> {};

        void rows(String source, long rowsRead);
    }

    private static final int PROGRESS_EVERY = 1 << 16;
    /** FastCSV's buffer limit: no field may be longer, so a line without end cannot exhaust memory. */
    static final int MAX_FIELD_CHARS = 16 * 1024 * 1024;

    private final InvalidRowPolicy policy;
    private final int maxProblems;
    private final RowProgress progress;

    public SourceValidator(InvalidRowPolicy policy, int maxProblems, RowProgress progress) {
        this.policy = policy;
        this.maxProblems = maxProblems;
        this.progress = progress;
    }

    /**
     * Reads a source's body from its first byte ({@code body} may still be arriving: see extract's bodies) and
     * hands every valid, kept row to {@code sink}. The body is opened again only to locate an invalid UTF-8 byte.
     *
     * @throws MissingColumnsException when the header lacks a used column
     * @throws InvalidRowsException    when the file is malformed, has no data rows, or (with {@code FAIL_RUN}) has
     *                                 any invalid value; the sink may have received rows before the problem was
     *                                 found, which is why sinks write inside a transaction
     */
    public SourceReport validate(SourceSpec source, CsvInput body, RowSink sink) {
        ProblemLog problems = new ProblemLog(source.name(), maxProblems);
        RowCounts counts = new RowCounts();
        // The body is closed even when opening the reader fails: reading its first bytes may already throw (a
        // download that failed, a body sniffed as HTML), and a body still arriving holds its file open.
        try (InputStream closedAtEnd = body.open();
                CsvReader<CsvRecord> csv = open(source, closedAtEnd)) {
            Iterator<CsvRecord> records = csv.iterator();
            if (!records.hasNext()) {
                throw new InvalidRowsException(
                        ErrorKind.NOT_CSV,
                        List.of(new RowProblem(source.name(), 1, null, null, "the file has no header")),
                        1);
            }
            CsvRecord header = records.next();
            counts.lastLine = header.getStartingLineNumber();
            ColumnPlan plan = ColumnPlan.fromHeader(source, header.getFields());
            readRows(source, records, plan, problems, counts, sink);
        } catch (CsvParseException e) {
            // FastCSV wraps whatever its reader throws: a download that failed or restarted under a body being read
            // while it arrives is that error, not malformed CSV.
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof SluiceException own) {
                    throw own;
                }
            }
            // FastCSV says a field outgrew its buffer as a possibly unclosed quote; say what it is first.
            String reason = e.getMessage() != null && e.getMessage().contains("maximum buffer size")
                    ? "has a field longer than " + String.format(java.util.Locale.ROOT, "%,d", MAX_FIELD_CHARS)
                            + " characters, the longest sluice reads (an unclosed quote, or not CSV)"
                    : "is not well-formed CSV: " + e.getMessage();
            throw structural(problems, counts, reason);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof StrictUtf8Reader.InvalidUtf8Exception invalid) {
                throw problems.exceptionLedBy(
                        ErrorKind.NOT_CSV,
                        lineAt(source, body, invalid.offset()),
                        "is not valid UTF-8 (byte " + invalid.offset() + ")");
            }
            throw new SluiceException(
                    ErrorKind.LOCAL_IO,
                    source.name() + ": cannot read the downloaded file: "
                            + e.getCause().getMessage(),
                    e);
        } catch (IOException e) {
            throw new SluiceException(
                    ErrorKind.LOCAL_IO, source.name() + ": cannot read the downloaded file: " + e.getMessage(), e);
        }
        return finish(source, counts, problems);
    }

    private static CsvReader<CsvRecord> open(SourceSpec source, InputStream body) throws IOException {
        InputStream in = new BufferedInputStream(body, 1 << 16);
        // Strict, not the JDK's default replacement: invalid bytes must fail loudly, not load as U+FFFD.
        Reader reader = new StrictUtf8Reader(in, skipUtf8ByteOrderMark(in));
        return CsvReader.builder()
                .fieldSeparator(source.delimiter())
                .quoteCharacter('"')
                .skipEmptyLines(true)
                .allowUnclosedQuote(false)
                .maxBufferSize(MAX_FIELD_CHARS)
                .extraFieldStrategy(FieldMismatchStrategy.IGNORE)
                .missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                .ofCsvRecord(reader);
    }

    /** Returns the number of bytes skipped. */
    private static int skipUtf8ByteOrderMark(InputStream in) throws IOException {
        in.mark(3);
        if (in.read() == 0xEF && in.read() == 0xBB && in.read() == 0xBF) {
            return 3;
        }
        in.reset();
        return 0;
    }

    /** The 1-based line holding byte {@code offset}: counted only on this rare error path, not while reading. */
    private static long lineAt(SourceSpec source, CsvInput body, long offset) {
        long line = 1;
        try (InputStream in = new BufferedInputStream(body.open(), 1 << 16)) {
            for (long i = 0; i < offset; i++) {
                if (in.read() == '\n') {
                    line++;
                }
            }
        } catch (IOException e) {
            throw new SluiceException(
                    ErrorKind.LOCAL_IO, source.name() + ": cannot read the downloaded file: " + e.getMessage(), e);
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
    }

    private void readRows(
            SourceSpec source,
            Iterator<CsvRecord> records,
            ColumnPlan plan,
            ProblemLog problems,
            RowCounts counts,
            RowSink sink) {
        Object[] values = new Object[plan.parsers.length];
        while (records.hasNext()) {
            CsvRecord record = records.next();
            long line = record.getStartingLineNumber();
            counts.lastLine = line;
            counts.read++;
            if (counts.read % PROGRESS_EVERY == 0) {
                progress.rows(source.name(), counts.read);
            }
            if (record.getFieldCount() != plan.headerFieldCount) {
                problems.add(
                        line,
                        null,
                        String.join(String.valueOf(source.delimiter()), record.getFields()),
                        "has " + record.getFieldCount() + " fields; the header has " + plan.headerFieldCount);
                counts.invalid++;
            } else if (!passesFilters(plan, record)) {
                counts.filtered++;
            } else if (typeRow(plan, record, line, problems, values)) {
                sink.accept(line, values);
                counts.kept++;
            } else {
                counts.invalid++;
            }
        }
        progress.rows(source.name(), counts.read);
    }

    private static boolean passesFilters(ColumnPlan plan, CsvRecord record) {
        RowFilter[] filters = plan.filters;
        for (int i = 0; i < filters.length; i++) {
            if (!filters[i].matches(record.getField(plan.filterIndex[i]).strip())) {
                return false;
            }
        }
        return true;
    }

    private static boolean typeRow(ColumnPlan plan, CsvRecord record, long line, ProblemLog problems, Object[] values) {
        boolean valid = true;
        for (int i = 0; i < values.length; i++) {
            String raw = record.getField(plan.columnIndex[i]);
            String text = raw.strip();
            if (text.isEmpty()) {
                values[i] = null;
                if (plan.required[i]) {
                    problems.add(line, plan.columnHeader[i], raw, "is empty; a value is required");
                    valid = false;
                }
                continue;
            }
            try {
                values[i] = plan.parsers[i].parse(text);
            } catch (InvalidValueException e) {
                problems.add(line, plan.columnHeader[i], raw, e.getMessage());
                valid = false;
            }
        }
        return valid;
    }

    private static InvalidRowsException structural(ProblemLog problems, RowCounts counts, String reason) {
        return problems.exceptionLedBy(ErrorKind.NOT_CSV, counts.lastLine + 1, reason + " (at or after this line)");
    }

    private SourceReport finish(SourceSpec source, RowCounts counts, ProblemLog problems) {
        if (counts.read == 0) {
            throw new InvalidRowsException(
                    ErrorKind.EMPTY_SOURCE,
                    List.of(new RowProblem(source.name(), 1, null, null, "the file has a header but no data rows")),
                    1);
        }
        List<String> warnings = new ArrayList<>();
        if (problems.count() > 0) {
            if (policy == InvalidRowPolicy.FAIL_RUN) {
                throw problems.exception(ErrorKind.INVALID_VALUE);
            }
            warnings.add(source.name() + ": skipped " + counts.invalid + " invalid rows (invalid_rows: skip); first: "
                    + problems.first().describe());
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
                problems.problems(),
                problems.count(),
                warnings);
    }
}
