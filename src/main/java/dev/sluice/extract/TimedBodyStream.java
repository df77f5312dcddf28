package dev.sluice.extract;

import dev.sluice.config.FetchSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as an {@link InputStream} whose reads fail when the server sends nothing for longer than the
 * read timeout, when the body arrives slower than the minimum rate over a window, or past the fetch's deadline. The
 * JDK client's own timeout ends when the headers arrive; a server that stalls, or trickles a byte now and then, in
 * the middle of the body would otherwise hold a run (and its lock) forever. Holds at most {@link #IN_FLIGHT} chunks
 * in memory: it asks for another chunk each time the reader takes one.
 */
final class TimedBodyStream extends InputStream implements HttpResponse.BodySubscriber<InputStream> {

    /** Thrown by {@link #read} when the body stalled. */
    static final class StalledException extends InterruptedIOException {
        private static final long serialVersionUID = 1L;

        StalledException(String message) {
            super(message);
        }
    }

    /** Thrown by {@link #read} when the body arrives slower than the minimum rate. */
    static final class TooSlowException extends InterruptedIOException {
        private static final long serialVersionUID = 1L;

        TooSlowException(String message) {
            super(message);
        }
    }

    /** Thrown by {@link #read} when the fetch's deadline passed. */
    static final class DeadlineException extends InterruptedIOException {
        private static final long serialVersionUID = 1L;

        DeadlineException(String message) {
            super(message);
        }
    }

    private record Chunk(List<ByteBuffer> buffers) {}

    private record Failure(Throwable cause) {}

    private static final Object END = new Object();
    /**
     * Chunks requested ahead of the reader: enough that the network thread never waits for the reader's hand-over
     * (asking for one at a time made a 43 MB download 2x slower, measured), few enough to bound memory (the JDK
     * delivers chunks of a few 16 KiB buffers).
     */
    private static final int IN_FLIGHT = 16;

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Duration timeout;
    private final long deadline;
    private final FetchSettings.MinimumRate minRate;
    private volatile Flow.Subscription subscription;
    private Iterator<ByteBuffer> chunk = Collections.emptyIterator();
    private ByteBuffer buffer;
    private boolean finished;
    private long received;
    private long lastArrival = System.nanoTime();
    private long windowStart = lastArrival;
    private long windowStartBytes;

    /**
     * @param timeout  the longest pause between bytes
     * @param deadline {@link System#nanoTime} after which no more is read
     * @param minRate  the slowest transfer accepted
     */
    TimedBodyStream(Duration timeout, long deadline, FetchSettings.MinimumRate minRate) {
        this.timeout = timeout;
        this.deadline = deadline;
        this.minRate = minRate;
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(IN_FLIGHT);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(new Chunk(item));
    }

    @Override
    public void onError(Throwable throwable) {
        queue.add(new Failure(throwable));
    }

    @Override
    public void onComplete() {
        queue.add(END);
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
        while (buffer == null || !buffer.hasRemaining()) {
            if (chunk.hasNext()) {
                buffer = chunk.next();
                continue;
            }
            if (finished) {
                return -1;
            }
            takeNext();
        }
        int n = Math.min(length, buffer.remaining());
        buffer.get(target, offset, n);
        return n;
    }

    private void takeNext() throws IOException {
        Object item = null;
        while (item == null) {
            long now = System.nanoTime();
            checkLimits(now);
            long wait = Math.min(timeout.toNanos() - (now - lastArrival), deadline - now);
            if (minRate.bytesPerSecond() > 0) {
                wait = Math.min(wait, minRate.over().toNanos() - (now - windowStart));
            }
            try {
                item = queue.poll(Math.max(1, wait), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel();
                throw new InterruptedIOException("interrupted while reading the body");
            }
        }
        lastArrival = System.nanoTime();
        if (item instanceof Chunk arrived) {
            received +=
                    arrived.buffers().stream().mapToLong(ByteBuffer::remaining).sum();
        }
        if (item == END) {
            finished = true;
        } else if (item instanceof Failure failure) {
            finished = true;
            Throwable cause = failure.cause();
            throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
        } else {
            chunk = ((Chunk) item).buffers().iterator();
            subscription.request(1);
        }
    }

    /** Fails when the deadline passed, the body stalled, or the last window brought too little. */
    private void checkLimits(long now) throws IOException {
        if (now - deadline >= 0) {
            cancel();
            throw new DeadlineException("the fetch ran past its deadline");
        }
        if (now - lastArrival >= timeout.toNanos()) {
            cancel();
            throw new StalledException("the server sent nothing for " + dev.sluice.config.Units.format(timeout));
        }
        if (minRate.bytesPerSecond() > 0 && now - windowStart >= minRate.over().toNanos()) {
            long brought = received - windowStartBytes;
            if (brought < minRate.bytesPerWindow()) {
                cancel();
                throw new TooSlowException(String.format(
                        java.util.Locale.ROOT,
                        "%,d bytes arrived in %d s, slower than fetch.min_rate (%,d B/s over %d s)",
                        brought,
                        minRate.over().toSeconds(),
                        minRate.bytesPerSecond(),
                        minRate.over().toSeconds()));
            }
            windowStart = now;
            windowStartBytes = received;
        }
    }

    private void cancel() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public void close() {
        if (!finished) {
            finished = true;
            cancel();
        }
    }
}
