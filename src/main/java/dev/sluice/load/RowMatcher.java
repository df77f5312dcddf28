package dev.sluice.load;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.Consumer;

/**
 * Matches each row of a new publication with a row of the previous one that hashes the same, reading the previous
 * publication's {@link PublicationDigest} once, in bounded memory. A matched row is the row the table already has;
 * every other new row is staged, and every previous row left unmatched is handed to {@code unmatched} (its key may
 * be gone from the publication). Whatever the order of either publication, that split is right: a row is matched
 * only with an identical one, so the worst a reordered file can do is leave rows unmatched, which costs time, never
 * correctness.
 *
 * <p>Daily feeds republish in the same order, so the matching walks both publications side by side: it holds the
 * previous rows from a little behind the last match to a little ahead of it ({@link #AHEAD}), and reads further ahead
 * the longer the new rows go unmatched (two previous rows per new one), so that after a block of rows removed it
 * catches up. It holds at most {@link #CAPACITY} previous rows: when the window is full it stops reading, so that
 * after a block of new rows narrower than the window the rows that follow still find theirs; when the new rows have
 * gone unmatched for longer than the window is wide it slides on (two previous rows given up per new row), so that
 * after a block removed that is wider than the window it catches up too. A block of new rows wider than the window
 * (65,536 rows) loses the alignment for the rest of the file: those rows are staged, and past {@link
 * PublicationTap#MOST} of them the load compares with the whole table instead.
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
        if (misses > capacity) {
            slide(2);
        }
        PublicationDigest.Entry entry = window.remove(hash);
        if (entry == null) {
            misses++;
            return false;
        }
        misses = 0;
        if (entry.index() > lastMatch) {
            lastMatch = entry.index();
            giveUpBefore(lastMatch - ahead);
        }
        return true;
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
        while (!exhausted && nextIndex <= upTo && window.size() < capacity) {
            readOne();
        }
    }

    /** Gives up the oldest rows held, and reads as many more. */
    private void slide(int rows) throws IOException {
        for (int i = 0; i < rows && !window.isEmpty(); i++) {
            Iterator<PublicationDigest.Entry> oldest = window.values().iterator();
            unmatched.accept(oldest.next());
            oldest.remove();
            readOne();
        }
    }

    private void readOne() throws IOException {
        if (exhausted) {
            return;
        }
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
