package dev.sluice.extract;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.config.CsvFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Future;

/**
 * One body being downloaded to a local file in the background, which readers can follow while it arrives: how far
 * the current attempt has written, which attempt that is, and how the download ended. The download thread reports
 * here; readers wait on this monitor. The download has its own timeouts, so every wait here ends.
 */
final class BodyDownload {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final String source;
    /** What the body should be: the sniffer refuses a JSON body only where CSV is expected. */
    private final CsvFormat.Syntax syntax;

    private final Path file;
    private long written;
    private int attempt;
    private Download result;
    private SluiceException failure;
    private boolean running;
    private boolean discarded;
    private Future<?> task;

    BodyDownload(String source, CsvFormat.Syntax syntax, Path file) {
        this.source = source;
        this.syntax = syntax;
        this.file = file;
    }

    String source() {
        return source;
    }

    Path file() {
        return file;
    }

    synchronized void started(Future<?> downloading) {
        task = downloading;
    }

    /** Called by the download thread before it starts; false when the body was discarded before it could. */
    synchronized boolean begin() {
        running = !discarded;
        return running;
    }

    /** Called by the download thread when it has closed its file, whatever the outcome. */
    synchronized void end() {
        running = false;
        notifyAll();
    }

    /** An attempt starts writing the file from its first byte (a 200 response, or a local copy). */
    synchronized void attemptStarted() {
        attempt++;
        written = 0;
        notifyAll();
    }

    synchronized void wrote(long total) {
        written = total;
        notifyAll();
    }

    synchronized void completed(Download download) {
        result = download;
        notifyAll();
    }

    synchronized void failed(SluiceException e) {
        failure = e;
        notifyAll();
    }

    /** What a reader may know now: written bytes of an attempt, and whether the download ended. */
    record State(int attempt, long written, boolean complete, SluiceException failure) {}

    /** Waits until more than {@code position} bytes of {@code attempt} are written, the attempt changes, or the end. */
    synchronized State awaitBeyond(int attemptSeen, long position) throws InterruptedException {
        while (failure == null && result == null && attempt == attemptSeen && written <= position) {
            wait();
        }
        return new State(attempt, written, result != null, failure);
    }

    /**
     * Waits until the body starts arriving or the download ends: the finished download, or empty while the body is
     * still being written (a reader can follow it).
     *
     * @throws SluiceException the download's failure
     */
    synchronized Optional<Download> awaitStartOrEnd() {
        try {
            while (failure == null && result == null && attempt == 0) {
                wait();
            }
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
        if (failure != null) {
            throw failure;
        }
        return Optional.ofNullable(result);
    }

    /** The finished download, waiting for it; or the download's failure. */
    synchronized Download await() {
        try {
            while (failure == null && result == null) {
                wait();
            }
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    private SluiceException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new SluiceException(ErrorKind.INTERRUPTED, source + ": interrupted while downloading", e);
    }

    /** The finished download if it completed successfully by now; never waits (for recording a failed run). */
    synchronized Optional<Download> completedNow() {
        return Optional.ofNullable(result);
    }

    /** A new reader from the first byte: it follows the download, or reads the finished file. */
    InputStream open() {
        try {
            return new FollowingInputStream(source, syntax, this);
        } catch (IOException e) {
            throw new LocalStorageException(source, "cannot read the download", e);
        }
    }

    /**
     * Stops the download if it is still running, waits for it to let go of its file (it stops at its next read or
     * write), and deletes the file: the run ended without it, or the file was moved into the cache already.
     */
    void discard() {
        Future<?> downloading;
        synchronized (this) {
            discarded = true;
            downloading = task;
        }
        if (downloading != null) {
            downloading.cancel(true);
        }
        try {
            awaitStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A leftover temporary file is harmless; the OS cleans its temporary directory.
        }
    }

    private synchronized void awaitStopped() throws InterruptedException {
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (long left = STOP_TIMEOUT.toMillis();
                running && left > 0;
                left = (deadline - System.nanoTime()) / 1_000_000) {
            wait(left);
        }
    }
}
