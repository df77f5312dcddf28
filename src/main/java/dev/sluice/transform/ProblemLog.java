package dev.sluice.transform;

import dev.sluice.ErrorKind;
import java.util.ArrayList;
import java.util.List;

/** Collects a source's problems, in whichever of its files is being read: keeps the first {@code cap}, counts all. */
final class ProblemLog {
    private final String source;
    private final int cap;
    private final List<RowProblem> kept = new ArrayList<>();
    private long count;
    private String file;

    ProblemLog(String source, int cap) {
        this.source = source;
        this.cap = cap;
    }

    /** The problems added next are in this file (null for a source of one file). */
    void inFile(String label) {
        this.file = label;
    }

    /** Counts a problem, keeps it if under the cap, and returns it. */
    RowProblem add(long line, String column, String value, String reason) {
        count++;
        RowProblem problem = new RowProblem(source, file, line, column, value, reason);
        if (kept.size() < cap) {
            kept.add(problem);
        }
        return problem;
    }

    /** A problem of the file being read, not counted: for exceptions that stop the reading. */
    RowProblem problem(long line, String column, String reason) {
        return new RowProblem(source, file, line, column, null, reason);
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
        all.add(problem(line, null, reason));
        all.addAll(kept);
        return new InvalidRowsException(kind, all, count + 1);
    }

    InvalidRowsException exception(ErrorKind kind) {
        return new InvalidRowsException(kind, kept, count);
    }

    /** The problems, under a summary of their own (the quarantine's limit, say). */
    InvalidRowsException exceptionSaying(ErrorKind kind, String summary) {
        return new InvalidRowsException(kind, summary, kept, count);
    }
}
