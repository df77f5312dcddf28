package dev.sluice.transform;

import dev.sluice.ErrorKind;
import java.util.ArrayList;
import java.util.List;

/** Collects a source's problems: keeps the first {@code cap}, counts all. */
final class ProblemLog {
    private final String source;
    private final int cap;
    private final List<RowProblem> kept = new ArrayList<>();
    private long count;

    ProblemLog(String source, int cap) {
        this.source = source;
        this.cap = cap;
    }

    void add(long line, String column, String value, String reason) {
        count++;
        if (kept.size() < cap) {
            kept.add(new RowProblem(source, line, column, value, reason));
        }
    }

    long count() {
        return count;
    }

    RowProblem first() {
        return kept.get(0);
    }

    List<RowProblem> problems() {
        return List.copyOf(kept);
    }

    /** A problem that stopped the reading: it leads the list, whatever was collected before. */
    InvalidRowsException exceptionLedBy(ErrorKind kind, long line, String reason) {
        List<RowProblem> all = new ArrayList<>();
        all.add(new RowProblem(source, line, null, null, reason));
        all.addAll(kept);
        return new InvalidRowsException(kind, all, count + 1);
    }

    InvalidRowsException exception(ErrorKind kind) {
        return new InvalidRowsException(kind, kept, count);
    }
}
