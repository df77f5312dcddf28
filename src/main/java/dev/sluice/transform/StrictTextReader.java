package dev.sluice.transform;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * Decodes text strictly, failing on the first byte the encoding does not define, with its offset in the file: never
 * the JDK's default replacement, which would load U+FFFD in place of what the file says. The JDK's
 * {@code InputStreamReader} can fail too, but after reading ahead, so the position of the bad byte is lost; with the
 * offset, the error can name the line.
 */
final class StrictTextReader extends Reader {

    /** The bytes at {@link #offset} are not valid in the file's encoding. */
    static final class UndecodableTextException extends IOException {
        private static final long serialVersionUID = 1L;
        private final long offset;
        private final int value;

        UndecodableTextException(long offset, int value) {
            super("undecodable byte at " + offset);
            this.offset = offset;
            this.value = value;
        }

        long offset() {
            return offset;
        }

        /** The first byte that could not be decoded, 0 to 255. */
        int value() {
            return value;
        }
    }

    private final InputStream in;
    private final CharsetDecoder decoder;
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
    /** File offset of {@code bytes.array()[0]}. */
    private long base;

    private boolean endOfInput;
    private boolean flushed;

    StrictTextReader(InputStream in, Charset encoding, long startOffset) {
        this.in = in;
        this.base = startOffset;
        this.decoder = encoding.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    @Override
    public int read(char[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        CharBuffer out = CharBuffer.wrap(target, offset, length);
        while (out.position() == offset) {
            if (flushed) {
                return -1;
            }
            CoderResult result = decoder.decode(bytes, out, endOfInput);
            if (result.isError()) {
                throw new UndecodableTextException(base + bytes.position(), bytes.get(bytes.position()) & 0xff);
            }
            if (result.isOverflow()) {
                break;
            }
            if (endOfInput) {
                decoder.flush(out);
                flushed = true;
            } else {
                fill();
            }
        }
        return out.position() == offset ? -1 : out.position() - offset;
    }

    private void fill() throws IOException {
        base += bytes.position();
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n == -1) {
            endOfInput = true;
        } else {
            bytes.position(bytes.position() + n);
        }
        bytes.flip();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
