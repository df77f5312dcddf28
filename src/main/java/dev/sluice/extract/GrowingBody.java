package dev.sluice.extract;

import dev.sluice.SluiceException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A body being downloaded to a file while a reader follows it: how far the current attempt has written, which
 * attempt that is, and how the download ended. The download thread reports; readers wait on this monitor.
 */
final class GrowingBody {
    private final Path file;
    private long written;
    private int attempt;
    private Download result;
    private SluiceException failure;

    GrowingBody(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

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
    record State(int attempt, long written, boolean complete, SluiceException failure) {
    }

    /** Waits until more than {@code position} bytes of {@code attempt} are written, the attempt changes, or the end. */
    synchronized State awaitBeyond(int attemptSeen, long position) throws InterruptedException {
        while (failure == null && result == null && attempt == attemptSeen && written <= position) {
            wait();
        }
        return new State(attempt, written, result != null, failure);
    }

    /** The finished download, if it completed; never waits. */
    synchronized Optional<Download> resultNow() {
        return Optional.ofNullable(result);
    }

    synchronized Download awaitResult() throws InterruptedException {
        while (failure == null && result == null) {
            wait();
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }
}
