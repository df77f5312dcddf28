package dev.sluice.web;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The answers of the dashboard's whole-table reads (summary, series, the series picker), kept while the data they
 * were computed from is the same. Each is stored under the id of the pipeline's last good run, which a load records
 * in the transaction that changes the table: once another load commits, the id differs and the answer is computed
 * again; an answer is never served for data that has changed since. Fifty people opening the dashboard of a
 * 10-million-row table run its aggregates once, not fifty times: requests for an answer being computed wait for that
 * computation instead of starting their own. Bounded by bytes; the least recently read go first, and an answer
 * for an older version of a pipeline's data goes when a newer one is stored.
 */
final class CachedAnswers {
    /** Computes an answer's body. */
    interface Computation {
        byte[] compute() throws SQLException;
    }

    /**
     * @param version    the data's version (the last good run's id)
     * @param definition the pipeline file's fingerprint: a changed dashboard charts other series from the same data
     * @param request    the path and query of the request
     */
    private record Key(String pipeline, long version, String definition, String request) {}

    private final long maxBytes;
    private final long maxAnswerBytes;
    private final LinkedHashMap<Key, byte[]> answers = new LinkedHashMap<>(64, 0.75f, true);
    private final Map<Key, CompletableFuture<byte[]>> computing = new HashMap<>();
    private long bytes;

    /** A cache of at most {@code maxBytes} of answers, none larger than an eighth of it. */
    CachedAnswers(long maxBytes) {
        this.maxBytes = maxBytes;
        this.maxAnswerBytes = maxBytes / 8;
    }

    /** A sixteenth of the heap, at most 64 MB. */
    static CachedAnswers sizedToHeap() {
        return new CachedAnswers(Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 16));
    }

    /**
     * The answer to {@code request} for this version of the pipeline's data: kept, being computed by another
     * request (then its result, or its failure), or computed now.
     */
    byte[] answer(String pipeline, long version, String definition, String request, Computation computation)
            throws SQLException {
        Key key = new Key(pipeline, version, definition, request);
        CompletableFuture<byte[]> running;
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        synchronized (this) {
            byte[] kept = answers.get(key);
            if (kept != null) {
                return kept;
            }
            running = computing.putIfAbsent(key, mine);
        }
        if (running != null) {
            return waitFor(running);
        }
        try {
            byte[] answer = computation.compute();
            synchronized (this) {
                store(key, answer);
            }
            mine.complete(answer);
            return answer;
        } catch (SQLException | RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            synchronized (this) {
                computing.remove(key);
            }
        }
    }

    private static byte[] waitFor(CompletableFuture<byte[]> running) throws SQLException {
        try {
            return running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    private void store(Key key, byte[] answer) {
        if (answer.length > maxAnswerBytes) {
            return;
        }
        answers.entrySet().removeIf(kept -> {
            boolean older = kept.getKey().pipeline().equals(key.pipeline())
                    && kept.getKey().version() < key.version();
            if (older) {
                bytes -= kept.getValue().length;
            }
            return older;
        });
        byte[] replaced = answers.put(key, answer);
        bytes += answer.length - (replaced == null ? 0 : replaced.length);
        var eldest = answers.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            bytes -= eldest.next().getValue().length;
            eldest.remove();
        }
    }

    /** The bytes kept now. */
    synchronized long bytes() {
        return bytes;
    }
}
