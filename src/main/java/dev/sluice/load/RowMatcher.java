package dev.sluice.load;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Matches each row of a new publication with a row of the previous one that hashes the same, reading the previous
 * publication's {@link PublicationDigest} once, in bounded memory. A matched row is the row the table already has;
 * every other new row is staged, and every previous row left unmatched is handed to {@code unmatched} (its key may
 * be gone from the publication). Whatever the order of either publication, that split is right: a row is matched
 * only with an identical one, so the worst a reordered file can do is leave rows unmatched, which costs time, never
 * correctness.
 *
 * <p>Daily feeds republish in the same order, so the matching walks both publications side by side: it keeps the
 * previous rows from a little behind the last match to a little ahead of it ({@link #AHEAD}), and reads further ahead
 * the longer the new rows go unmatched (two previous rows per new one), so that after a block of rows removed it
 * catches up, and a block of rows added does not push the rows after it out. At most {@link #capacity} previous rows
 * are held; past that the oldest is given up as unmatched.
 */
final class RowMatcher {
    static final int CAPACITY = 1 << 16;
    static final int AHEAD = 4_096;

    private final PublicationDigest.Reader previous;
    private final Consumer<PublicationDigest.Entry> unmatched;
    private final int capacity;
    private final int ahead;
    /** The previous rows read and not yet matched or given up, in the previous publication's order. */
    private final LinkedHashMap<RowHash, PublicationDigest.Entry> window = new LinkedHashMap<>();

    private long nextIndex;
    private long lastMatch = -1;
    private long misses;
    private boolean exhausted;
    private long matched;

    RowMatcher(PublicationDigest.Reader previous, Consumer<PublicationDigest.Entry> unmatched) {
        this(previous, unmatched, CAPACITY, AHEAD);
    }

    RowMatcher(
            PublicationDigest.Reader previous, Consumer<PublicationDigest.Entry> unmatched, int capacity, int ahead) {
        this.previous = previous;
        this.unmatched = unmatched;
        this.capacity = capacity;
        this.ahead = ahead;
    }

    /** Whether a new row with this hash is a row of the previous publication (it is then matched, once). */
    boolean matches(RowHash hash) throws IOException {
        readAhead(lastMatch + ahead + 2 * misses);
        PublicationDigest.Entry entry = window.remove(hash);
        if (entry == null) {
            misses++;
            return false;
        }
        matched++;
        misses = 0;
        if (entry.index() > lastMatch) {
            lastMatch = entry.index();
            giveUpBefore(lastMatch - ahead);
        }
        return true;
    }

    /** The rows matched so far. */
    long matched() {
        return matched;
    }

    /** Reads the previous publication to its end (proving it is the one recorded); what is left was unmatched. */
    void finish() throws IOException {
        window.values().forEach(unmatched);
        window.clear();
        while (!exhausted) {
            PublicationDigest.Entry entry = previous.next();
            if (entry == null) {
                exhausted = true;
            } else {
                unmatched.accept(entry);
            }
        }
    }

    private void readAhead(long upTo) throws IOException {
        while (!exhausted && nextIndex <= upTo) {
            PublicationDigest.Entry entry = previous.next();
            if (entry == null) {
                exhausted = true;
                return;
            }
            nextIndex++;
            PublicationDigest.Entry same = window.put(entry.hash(), entry);
            if (same != null) {
                unmatched.accept(same); // two identical rows: only one can be matched with each new row
            }
            if (window.size() > capacity) {
                Iterator<Map.Entry<RowHash, PublicationDigest.Entry>> oldest =
                        window.entrySet().iterator();
                unmatched.accept(oldest.next().getValue());
                oldest.remove();
            }
        }
    }

    private void giveUpBefore(long index) {
        Iterator<PublicationDigest.Entry> oldest = window.values().iterator();
        while (oldest.hasNext()) {
            PublicationDigest.Entry entry = oldest.next();
            if (entry.index() >= index) {
                return;
            }
            unmatched.accept(entry);
            oldest.remove();
        }
    }
}
