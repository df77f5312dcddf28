package dev.sluice.history;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import java.util.List;

/**
 * Why a run failed: the error kind and, where they apply, the source, line, column and raw value of the
 * (first) problem, plus the collected problems when there were several.
 */
public record RunError(ErrorKind kind, String source, Long line, String column, String value, String message,
                       List<Problem> problems) {

    /** One invalid value or row: where it is and why it is wrong. */
    public record Problem(String source, long line, String column, String value, String reason) {
    }

    public RunError {
        problems = List.copyOf(problems);
    }

    public static RunError of(SluiceException e, List<Problem> problems) {
        return new RunError(e.kind(), e.source(), e.line(), e.column(), e.value(), e.getMessage(), problems);
    }

    /** A one-line description: {@code INVALID_VALUE: nyt line 5, column cases: ...}. */
    public String describe() {
        return kind + ": " + message;
    }
}
