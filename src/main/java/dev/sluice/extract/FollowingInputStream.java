package dev.sluice.extract;

import dev.sluice.config.CsvFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * Reads a body while it is being downloaded: never past what the download has written, waiting when it has caught
 * up, and ending only when the download succeeded. Before the first byte it sniffs the beginning of the body, so an
 * HTML page is rejected as such rather than parsed. A failed download ends the read with the download's own error;
 * a retried one with {@link SourceRestartedException} when anything had already been read.
 */
final class FollowingInputStream extends InputStream {
    private final String source;
    private final CsvFormat.Syntax syntax;
    private final BodyDownload body;
    private final FileChannel channel;
    private int attempt = -1;
    private long position;
    private boolean sniffed;

    FollowingInputStream(String source, CsvFormat.Syntax syntax, BodyDownload body) throws IOException {
        this.source = source;
        this.syntax = syntax;
        this.body = body;
        this.channel = FileChannel.open(body.file(), StandardOpenOption.READ);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        BodyDownload.State state = await(position);
        if (!sniffed) {
            state = sniff(state);
        }
        if (state.written() <= position) {
            return -1; // complete, and all read
        }
        int n = channel.read(
                ByteBuffer.wrap(target, offset, (int) Math.min(length, state.written() - position)), position);
        position += n;
        return n;
    }

    private BodyDownload.State await(long beyond) throws IOException {
        BodyDownload.State state;
        try {
            state = body.awaitBeyond(attempt, beyond);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + source);
        }
        if (state.failure() != null) {
            throw state.failure();
        }
        if (state.attempt() != attempt) {
            if (position > 0) {
                throw new SourceRestartedException(source);
            }
            attempt = state.attempt();
            return await(beyond);
        }
        return state;
    }

    /** Waits for the first bytes (or the end) and rejects an HTML, UTF-16 or empty body before anything parses it. */
    private BodyDownload.State sniff(BodyDownload.State first) throws IOException {
        BodyDownload.State state = first;
        while (!state.complete() && state.written() < BodySniffer.PREFIX_BYTES) {
            state = await(state.written());
        }
        ByteBuffer prefix = ByteBuffer.allocate((int) Math.min(BodySniffer.PREFIX_BYTES, state.written()));
        while (prefix.hasRemaining() && channel.read(prefix, prefix.position()) > 0) {
            // read until the prefix is full: it is all written already
        }
        BodySniffer.check(source, syntax, state.written(), prefix.array(), prefix.position());
        sniffed = true;
        return state;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
