package dev.sluice.extract;

import dev.sluice.SluiceException;
import java.nio.file.Path;
import java.time.Duration;
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
    private boolean running;
    private boolean discarded;

    GrowingBody(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
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

    /**
     * No download may start any more; one already running (told to stop) is waited for, at most {@code timeout},
     * so that the run does not end with a thread still writing its file.
     */
    synchronized void discard(Duration timeout) throws InterruptedException {
        discarded = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long left = timeout.toMillis(); running && left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
            wait(left);
        }
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
