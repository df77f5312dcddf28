package dev.sluice.extract;

import dev.sluice.ErrorKind;
import java.nio.charset.StandardCharsets;

/**
 * Rejects bodies that are plainly not CSV before anything parses them: an HTTP 200 carrying an HTML error page,
 * an empty body, or a UTF-16 file. A clear "this is HTML" beats a list of a thousand invalid values.
 */
final class BodySniffer {
    static final int PREFIX_BYTES = 256;

    private BodySniffer() {
    }

    static void check(String source, long length, byte[] prefix, int prefixLength, String contentType) {
        if (length == 0) {
            throw new SourceRejectedException(ErrorKind.NOT_CSV, source, source + ": the body is empty");
        }
        if (prefixLength >= 2 && ((prefix[0] == (byte) 0xFE && prefix[1] == (byte) 0xFF)
                || (prefix[0] == (byte) 0xFF && prefix[1] == (byte) 0xFE))) {
            throw new SourceRejectedException(ErrorKind.NOT_CSV, source,
                    source + ": the body is UTF-16 (byte order mark " + String.format("%02X %02X", prefix[0], prefix[1])
                            + "); sluice reads UTF-8");
        }
        int start = 0;
        if (prefixLength >= 3 && prefix[0] == (byte) 0xEF && prefix[1] == (byte) 0xBB && prefix[2] == (byte) 0xBF) {
            start = 3;
        }
        while (start < prefixLength && Character.isWhitespace(prefix[start])) {
            start++;
        }
        boolean looksLikeMarkup = start < prefixLength && prefix[start] == '<';
        boolean declaredHtml = contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).contains("html");
        if (looksLikeMarkup || declaredHtml) {
            String begins = new String(prefix, start, Math.min(prefixLength - start, 40), StandardCharsets.UTF_8)
                    .replaceAll("\\s+", " ");
            throw new SourceRejectedException(ErrorKind.NOT_CSV, source, source + ": the body is HTML, not CSV"
                    + (declaredHtml ? " (Content-Type " + contentType + ")" : "") + "; it begins '" + begins + "'");
        }
    }
}
