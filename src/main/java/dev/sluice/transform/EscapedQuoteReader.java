package dev.sluice.transform;

import java.io.IOException;
import java.io.Reader;

/**
 * For a source whose writer escapes quotes ({@code "say \"hi\""}) rather than doubling them as RFC 4180 does
 * ({@code "say ""hi"""}): rewrites, inside quoted fields, an escaped quote as a doubled one and an escaped escape as
 * the character itself, so that the CSV parser reads what the writer meant. An escape before any other character,
 * or outside quotes, is text. Line breaks are never touched, so line numbers stay true.
 */
final class EscapedQuoteReader extends Reader {
    private final Reader in;
    private final char quote;
    private final char escape;
    private final char[] buffer = new char[1 << 16];
    private int position;
    private int limit;
    private boolean quoted;
    /** A character to hand out before reading on: the second of a doubled quote. */
    private int pending = -1;

    EscapedQuoteReader(Reader in, char quote, char escape) {
        this.in = in;
        this.quote = quote;
        this.escape = escape;
    }

    @Override
    public int read(char[] target, int offset, int length) throws IOException {
        int n = 0;
        while (n < length) {
            if (pending >= 0) {
                target[offset + n++] = (char) pending;
                pending = -1;
                continue;
            }
            int c = next();
            if (c < 0) {
                break;
            }
            if (c == quote) {
                quoted = !quoted;
            } else if (c == escape && quoted) {
                int following = peek();
                if (following == quote) {
                    next();
                    target[offset + n++] = quote;
                    pending = quote;
                    continue;
                }
                if (following == escape) {
                    next();
                }
            }
            target[offset + n++] = (char) c;
            if (n > 0 && position == limit && !in.ready()) {
                break; // hand out what is here rather than wait for more
            }
        }
        return n == 0 && length > 0 ? -1 : n;
    }

    private int next() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++];
    }

    private int peek() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position];
    }

    private boolean fill() throws IOException {
        int read = in.read(buffer, 0, buffer.length);
        if (read <= 0) {
            return false;
        }
        position = 0;
        limit = read;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
