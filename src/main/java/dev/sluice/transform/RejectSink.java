package dev.sluice.transform;

/**
 * Receives each invalid row a source quarantines ({@code invalid_rows: quarantine}): where it is, its first problem,
 * and the row as read, its fields joined again as CSV.
 */
@FunctionalInterface
public interface RejectSink {
    RejectSink NONE = (problem, rawLine) -> {};

    void reject(RowProblem problem, String rawLine);
}
