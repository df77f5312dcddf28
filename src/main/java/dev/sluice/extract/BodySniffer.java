package dev.sluice.extract;

import dev.sluice.ErrorKind;
import dev.sluice.Excerpt;
import dev.sluice.config.CsvFormat;
import java.nio.charset.StandardCharsets;

/**
 * Rejects bodies that are plainly not what the source reads before anything parses them: an HTTP 200 carrying an
 * HTML error page, an empty body, a UTF-16 file, and where CSV is expected a JSON document (an API's error). A clear
 * "this is HTML" beats a list of a thousand invalid values.
 */
final class BodySniffer {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BodySniffer.class);
    static final int PREFIX_BYTES = 256;

    private BodySniffer() {}

    /** A server that says it sends HTML is believed before a byte of the body is read. */
    static void checkContentType(String source, java.util.Optional<String> contentType) {
        if (contentType.isPresent()
                && contentType.get().toLowerCase(java.util.Locale.ROOT).contains("html")) {
            throw new SourceRejectedException(
                    ErrorKind.NOT_CSV,
                    source,
                    source + ": the body is HTML, not CSV" + " (Content-Type " + contentType.get() + ")");
        }
    }

    /**
     * Checks a body as downloaded. A gzip or zip body is left to {@link Unpacking}, which checks the text it unpacks
     * to with {@link #checkUnpacked}.
     */
    static void check(String source, CsvFormat.Syntax syntax, long length, byte[] prefix, int prefixLength) {
        if (length > 0 && Unpacking.looksPacked(prefix, prefixLength)) {
            return;
        }
        check(source, source, syntax, length, prefix, prefixLength);
    }

    /** Checks the beginning of the text a packed body unpacks to ({@code name}: the source, or its file). */
    static void checkUnpacked(String source, String name, CsvFormat.Syntax syntax, byte[] prefix, int prefixLength) {
        check(source, name, syntax, prefixLength == 0 ? 0 : -1, prefix, prefixLength);
    }

    /** @param length the body's size, or -1 when unknown (an unpacked text, read as it streams) */
    private static void check(
            String source, String name, CsvFormat.Syntax syntax, long length, byte[] prefix, int prefixLength) {
        if (length == 0) {
            throw new SourceRejectedException(ErrorKind.NOT_CSV, source, name + ": the body is empty");
        }
        if (prefixLength >= 2
                && ((prefix[0] == (byte) 0xFE && prefix[1] == (byte) 0xFF)
                        || (prefix[0] == (byte) 0xFF && prefix[1] == (byte) 0xFE))) {
            throw new SourceRejectedException(
                    ErrorKind.NOT_CSV,
                    source,
                    name + ": the body is UTF-16 (byte order mark " + String.format("%02X %02X", prefix[0], prefix[1])
                            + "); sluice reads UTF-8");
        }
        checkText(source, name, prefix, prefixLength);
        int start = 0;
        if (prefixLength >= 3 && prefix[0] == (byte) 0xEF && prefix[1] == (byte) 0xBB && prefix[2] == (byte) 0xBF) {
            start = 3;
        }
        while (start < prefixLength && Character.isWhitespace(prefix[start])) {
            start++;
        }
        if (syntax == CsvFormat.Syntax.CSV && start < prefixLength && (prefix[start] == '{' || prefix[start] == '[')) {
            // A JSON document (an API's error, a credentials document) also parses as CSV of a sort; its first
            // line would then be quoted as a header.
            throw notCsv(
                    source,
                    name,
                    syntax,
                    length,
                    "JSON",
                    "JSON",
                    new String(prefix, start, Math.min(prefixLength - start, 20), StandardCharsets.UTF_8),
                    20);
        }
        if (start < prefixLength && prefix[start] == '<') {
            throw notCsv(
                    source,
                    name,
                    syntax,
                    length,
                    "markup",
                    "HTML (or other markup)",
                    new String(prefix, start, Math.min(prefixLength - start, 60), StandardCharsets.UTF_8),
                    60);
        }
    }

    /**
     * A body of another kind, named by its kind and size only: what it says is not published (it may be anything a
     * server answered: an internal page, a credentials document); a short, sanitised excerpt goes to the log only.
     */
    private static SourceRejectedException notCsv(
            String source,
            String name,
            CsvFormat.Syntax syntax,
            long length,
            String kind,
            String named,
            String begins,
            int excerpt) {
        LOG.warn("{}: the body is {}; it begins '{}'", source, kind, Excerpt.of(begins, excerpt));
        return new SourceRejectedException(
                ErrorKind.NOT_CSV,
                source,
                String.format(
                        java.util.Locale.ROOT,
                        "%s: the body is %s, not %s%s",
                        name,
                        named,
                        syntax == CsvFormat.Syntax.JSON ? "JSON" : "CSV",
                        size(length)));
    }

    private static String size(long length) {
        return length < 0 ? "" : String.format(java.util.Locale.ROOT, ": %,d bytes", length);
    }

    /**
     * A NUL byte at the start of a body means it is not text: UTF-16 without a byte order mark, a compressed file
     * served without its Content-Encoding, or some other binary. CSV text never holds one (PostgreSQL text cannot).
     */
    private static void checkText(String source, String name, byte[] prefix, int prefixLength) {
        int first = -1;
        int nuls = 0;
        for (int i = 0; i < prefixLength; i++) {
            if (prefix[i] == 0) {
                first = first < 0 ? i : first;
                nuls++;
            }
        }
        if (first < 0) {
            return;
        }
        // UTF-16 of mostly ASCII text is every other byte NUL.
        String hint = prefixLength >= 2 && prefix[0] == (byte) 0x1F && prefix[1] == (byte) 0x8B
                ? "; it begins like gzip, served without Content-Encoding: gzip"
                : nuls * 3 >= prefixLength ? "; it looks like UTF-16 (sluice reads UTF-8)" : "";
        throw new SourceRejectedException(
                ErrorKind.NOT_CSV, source, name + ": the body is not text: a NUL byte at" + " offset " + first + hint);
    }
}
