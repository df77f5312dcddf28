package dev.sluice.transform;

import de.siegmar.fastcsv.reader.CommentStrategy;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import dev.sluice.config.CsvFormat;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Opens a file's bytes as CSV records the way its source is written: the encoding (decoded strictly), escaped
 * quotes, the quote and separator, comment lines, and the lines to skip before the header. Line numbers stay those
 * of the file, skipped and comment lines counted.
 */
final class CsvOpener {
    /** FastCSV's buffer limit: no field may be longer, so a line without end cannot exhaust memory. */
    static final int MAX_FIELD_CHARS = 16 * 1024 * 1024;

    private CsvOpener() {}

    static CsvReader<CsvRecord> open(CsvFormat format, InputStream body) throws IOException {
        InputStream in = new BufferedInputStream(body, 1 << 16);
        long start = format.encoding().equals(StandardCharsets.UTF_8) ? skipUtf8ByteOrderMark(in) : 0;
        Reader reader = new StrictTextReader(in, format.encoding(), start);
        if (format.escape().isPresent()) {
            reader = new EscapedQuoteReader(
                    reader, format.quote(), format.escape().get());
        }
        CsvReader.CsvReaderBuilder builder = CsvReader.builder()
                .fieldSeparator(format.delimiter())
                .quoteCharacter(format.quote())
                .skipEmptyLines(true)
                .allowUnclosedQuote(false)
                .maxBufferSize(MAX_FIELD_CHARS)
                .extraFieldStrategy(FieldMismatchStrategy.IGNORE)
                .missingFieldStrategy(FieldMismatchStrategy.IGNORE);
        if (format.comment().isPresent()) {
            builder.commentStrategy(CommentStrategy.SKIP)
                    .commentCharacter(format.comment().get());
        }
        CsvReader<CsvRecord> csv = builder.ofCsvRecord(reader);
        if (format.skipLines() > 0) {
            skipLines(csv, format.skipLines());
        }
        return csv;
    }

    /** Skips up to {@code count} lines; a file with fewer is then empty, which the reader reports as such. */
    private static void skipLines(CsvReader<CsvRecord> csv, int count) {
        try {
            csv.skipLines(count);
        } catch (CsvParseException fewer) {
            // FastCSV says "not enough lines to skip" when the file ends first: the file is then read as empty.
            if (fewer.getCause() != null) {
                throw fewer;
            }
        }
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
}
