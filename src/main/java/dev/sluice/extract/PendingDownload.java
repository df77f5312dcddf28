package dev.sluice.extract;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Future;

/**
 * A source being downloaded in the background, which can be read while it arrives ({@link #openBody}) and awaited
 * ({@link #await}) for its sha256 and headers. Used for a pipeline's first load, where no earlier body exists to
 * compare with, so nothing is gained by waiting for the whole body before parsing it.
 */
public final class PendingDownload {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final String source;
    private final GrowingBody body;
    private Future<?> task;

    PendingDownload(String source, GrowingBody body) {
        this.source = source;
        this.body = body;
    }

    void started(Future<?> downloading) {
        this.task = downloading;
    }

    GrowingBody body() {
        return body;
    }

    public String source() {
        return source;
    }

    /** The local file the body is written to (complete once {@link #await} returns). */
    public Path file() {
        return body.file();
    }

    /** A new reader from the first byte; it follows the download, or reads the finished file. */
    public InputStream openBody() {
        try {
            return new FollowingInputStream(source, body);
        } catch (IOException e) {
            throw new LocalStorageException(source, "cannot read the download", e);
        }
    }

    /** The finished download, or the download's failure. */
    public Download await() {
        try {
            return body.awaitResult();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorKind.INTERRUPTED, source + ": interrupted while downloading", e);
        }
    }

    /** The finished download if it completed successfully by now; never waits (for recording a failed run). */
    public Optional<Download> completed() {
        return body.resultNow();
    }

    /**
     * Stops the download if it is still running, waits for it to let go of its file (it stops at its next read or
     * write), and deletes the file: the run ended without it.
     */
    public void discard() {
        if (task != null) {
            task.cancel(true);
        }
        try {
            body.discard(STOP_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(body.file());
        } catch (IOException ignored) {
            // A leftover temporary file is harmless.
        }
    }
}
