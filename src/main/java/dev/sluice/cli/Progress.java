package dev.sluice.cli;

import dev.sluice.pipeline.RunProgress;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Progress on a terminal: bytes downloaded and rows read per source, redrawn on one stderr line at most a few
 * times a second. Silent ({@link #NONE}) when nobody is watching.
 */
public class Progress implements RunProgress {
    public static final Progress NONE = new Progress(null);

    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream err;
    private final Map<String, String> state = new ConcurrentHashMap<>();
    private long lastDraw;

    public Progress(PrintStream err) {
        this.err = err;
    }

    @Override
    public void progress(String source, long bytes, long total) {
        if (err != null) {
            state.put(
                    source,
                    total > 0
                            ? String.format(Locale.ROOT, "%s %,d of %,d bytes", source, bytes, total)
                            : String.format(Locale.ROOT, "%s %,d bytes", source, bytes));
            draw(bytes == total);
        }
    }

    @Override
    public void rows(String source, long rowsRead) {
        if (err != null) {
            state.put(source, String.format(Locale.ROOT, "%s %,d rows", source, rowsRead));
            draw(false);
        }
    }

    private synchronized void draw(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        err.print("\r\033[K" + String.join("  |  ", new java.util.TreeMap<>(state).values()));
        err.flush();
    }

    /** Clears the progress line before the summary is printed. */
    public synchronized void done() {
        if (err != null && !state.isEmpty()) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
