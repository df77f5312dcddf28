package dev.sluice.load;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;
import org.postgresql.copy.CopyIn;

/**
 * The second half of a {@link RowWriter} that has a {@link PublicationTap}: a thread of its own shows each encoded row
 * to the tap (hashing it, matching it with the last load's digest, noting it in this load's) and sends the rows it
 * keeps to PostgreSQL, while the reading thread goes on parsing. The tap is as much work per row as the parsing is,
 * and done after it on one thread it cost the digest comparison what it saved (measured: docs/benchmarks.md); on two
 * cores the two overlap, as the parsing and PostgreSQL's COPY already did. Chunks of 64 KiB of rows pass between
 * them, at most four waiting: memory stays bounded.
 */
final class TappedCopy {
    private static final int WAITING = 4;
    private static final Chunk END = new Chunk(new byte[0], 0, new int[0], 0);

    /** Encoded rows: {@code rows} of them in {@code bytes}, the i-th ending at {@code ends[i]}. */
    private record Chunk(byte[] bytes, int length, int[] ends, int rows) {}

    private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(WAITING);
    private final CopyIn copy;
    private final PublicationTap tap;
    private final int valuesFrom;
    private final Function<SQLException, RuntimeException> copyFailed;
    private final Thread thread;
    private final byte[] out = new byte[1 << 16];
    private int outLength;
    private volatile Throwable failure;
    private long sent;

    /**
     * @param valuesFrom where a row's values start within its encoding (after its field count and line)
     * @param copyFailed what a failed write to the COPY becomes
     */
    TappedCopy(
            String source,
            CopyIn copy,
            PublicationTap tap,
            int valuesFrom,
            Function<SQLException, RuntimeException> copyFailed) {
        this.copy = copy;
        this.tap = tap;
        this.valuesFrom = valuesFrom;
        this.copyFailed = copyFailed;
        this.thread = new Thread(this::run, "sluice-compare-" + source);
        thread.setDaemon(true);
        thread.start();
    }

    /** Hands over rows encoded in {@code buffer} (copied: the caller reuses it); rethrows the thread's failure. */
    void hand(byte[] buffer, int length, int[] ends, int rows) {
        rethrow();
        put(new Chunk(Arrays.copyOf(buffer, length), length, Arrays.copyOf(ends, rows), rows));
    }

    /** Waits until every row handed over was seen and the kept ones sent; returns how many were sent. */
    long finish() {
        put(END);
        join();
        rethrow();
        return sent;
    }

    /** Stops the thread after a failure of the reading side; what it had not seen is dropped. */
    void stop() {
        queue.clear();
        failure = failure == null ? new IllegalStateException("stopped") : failure;
        queue.offer(END);
        join();
    }

    private void put(Chunk chunk) {
        try {
            queue.put(chunk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while comparing rows", e);
        }
    }

    private void join() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while comparing rows", e);
        }
    }

    private void rethrow() {
        Throwable failed = failure;
        if (failed instanceof RuntimeException e) {
            throw e;
        }
        if (failed instanceof Error e) {
            throw e;
        }
    }

    private void run() {
        try {
            send(BinaryCopyEncoder.HEADER, BinaryCopyEncoder.HEADER.length);
            for (Chunk chunk = take(); chunk != END; chunk = take()) {
                if (failure != null) {
                    continue; // failed: drain, so that the reading side never waits on a full queue
                }
                int start = 0;
                for (int i = 0; i < chunk.rows(); i++) {
                    int end = chunk.ends()[i];
                    if (tap.keep(chunk.bytes(), start + valuesFrom, end)) {
                        keep(chunk.bytes(), start, end - start);
                        sent++;
                    }
                    start = end;
                }
            }
            if (failure == null) {
                send(out, outLength);
                send(BinaryCopyEncoder.TRAILER, BinaryCopyEncoder.TRAILER.length);
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            drain();
        }
    }

    private void drain() {
        for (Chunk chunk = take(); chunk != END; chunk = take()) {
            // dropped: the load fails
        }
    }

    private Chunk take() {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return END;
        }
    }

    private void keep(byte[] bytes, int from, int length) {
        if (outLength + length > out.length) {
            send(out, outLength);
            outLength = 0;
        }
        if (length > out.length) {
            send(Arrays.copyOfRange(bytes, from, from + length), length);
            return;
        }
        System.arraycopy(bytes, from, out, outLength, length);
        outLength += length;
    }

    private void send(byte[] bytes, int length) {
        try {
            copy.writeToCopy(bytes, 0, length);
        } catch (SQLException e) {
            throw copyFailed.apply(e);
        }
    }
}
