package dev.sluice.config;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * How a source's files are written: compressed or not, CSV or JSON, and for CSV the encoding and dialect.
 *
 * @param compression how the bytes are packed
 * @param member      for a zip holding several files, the one to read
 * @param encoding    the text's character set; UTF-8 is read strictly, a byte order mark is fine
 * @param delimiter   the field separator
 * @param quote       the character that encloses a field holding separators, quotes or line breaks
 * @param escape      a character that escapes a quote inside a quoted field ({@code \"}); empty when quotes are
 *                    doubled ({@code ""}), as RFC 4180 writes them
 * @param header      whether the first line (after the skipped ones) names the columns
 * @param skipLines   lines before the header (or the first row) to skip: titles, notes
 * @param comment     a character that starts a line to skip wherever it appears
 * @param shortRows   what a row with fewer fields than the header is
 * @param shortHeader how a header with fewer fields than the rows is read
 * @param syntax      CSV, or JSON records
 * @param records     where in the file the records are: for JSON, the dotted path of the array of records inside the
 *                    document (empty: the document is the array, or a sequence of records); for a workbook, the
 *                    sheet's name or position (empty: the first)
 */
public record CsvFormat(
        Compression compression,
        Optional<String> member,
        Charset encoding,
        char delimiter,
        char quote,
        Optional<Character> escape,
        Header header,
        int skipLines,
        Optional<Character> comment,
        ShortRows shortRows,
        ShortHeader shortHeader,
        Syntax syntax,
        Optional<String> records) {

    /** The text's syntax. */
    public enum Syntax {
        CSV,
        /** Objects, one record each: an array of them, or one after the other (JSON Lines). */
        JSON,
        /** A sheet of an Excel workbook ({@code .xlsx}): rows of cells. */
        XLSX,
        /** Whatever the body is: {@code sluice init}'s sample, before anything is known. */
        ANY
    }

    /** How a body's bytes are packed. */
    public enum Compression {
        /** Whichever of the others the bytes begin with; else none. */
        AUTO,
        NONE,
        GZIP,
        ZIP,
        BZIP2,
        XZ,
        ZSTD
    }

    /** Whether the columns are named by a first line, or found by position. */
    public enum Header {
        PRESENT,
        ABSENT
    }

    /** RFC 4180 in UTF-8 with a header, compression recognised. */
    public static final CsvFormat DEFAULTS = new CsvFormat(
            Compression.AUTO,
            Optional.empty(),
            StandardCharsets.UTF_8,
            ',',
            '"',
            Optional.empty(),
            Header.PRESENT,
            0,
            Optional.empty(),
            ShortRows.FAIL,
            ShortHeader.FAIL,
            Syntax.CSV,
            Optional.empty());

    public CsvFormat {
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(escape, "escape");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(comment, "comment");
        Objects.requireNonNull(syntax, "syntax");
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(shortRows, "shortRows");
        Objects.requireNonNull(shortHeader, "shortHeader");
        if (shortHeader != ShortHeader.FAIL && header != Header.PRESENT) {
            throw new IllegalArgumentException("a short header needs a header");
        }
        if (skipLines < 0) {
            throw new IllegalArgumentException("skipLines is never negative");
        }
    }

    /** The same format with another delimiter (tests, and {@code sluice init}). */
    public CsvFormat withDelimiter(char other) {
        return new CsvFormat(
                compression,
                member,
                encoding,
                other,
                quote,
                escape,
                header,
                skipLines,
                comment,
                shortRows,
                shortHeader,
                syntax,
                records);
    }

    /** The same format, read as another syntax ({@code sluice init}'s sample). */
    public CsvFormat withSyntax(Syntax other) {
        return new CsvFormat(
                compression,
                member,
                encoding,
                delimiter,
                quote,
                escape,
                header,
                skipLines,
                comment,
                shortRows,
                shortHeader,
                other,
                records);
    }
}
