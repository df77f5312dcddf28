package dev.sluice.transform;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import java.util.List;

/**
 * A source has invalid values or malformed rows, and the pipeline's policy is to fail the run. Carries every
 * problem up to the cap; the exception's source, line, column and value are the first one's.
 */
public class InvalidRowsException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final transient List<RowProblem> problems;
    private final long problemCount;

    public InvalidRowsException(ErrorKind kind, List<RowProblem> problems, long problemCount) {
        this(kind, summary(problems, problemCount), problems, problemCount);
    }

    /** The problems, under another summary than the count and the first one. */
    public InvalidRowsException(ErrorKind kind, String summary, List<RowProblem> problems, long problemCount) {
        super(
                kind,
                summary,
                problems.get(0).source(),
                problems.get(0).file(),
                problems.get(0).line(),
                problems.get(0).column(),
                problems.get(0).value(),
                null);
        this.problems = List.copyOf(problems);
        this.problemCount = problemCount;
    }

    private static String summary(List<RowProblem> problems, long count) {
        RowProblem first = problems.get(0);
        if (count == 1) {
            return first.describe();
        }
        return count + " problems in " + first.source() + "; the first: " + first.describe();
    }

    public List<RowProblem> problems() {
        return problems;
    }

    public long problemCount() {
        return problemCount;
    }
}
