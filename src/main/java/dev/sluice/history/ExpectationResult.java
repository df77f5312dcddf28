package dev.sluice.history;

import java.util.List;
import java.util.Objects;

/**
 * One declared expectation checked by one run.
 *
 * @param name     the expectation's name
 * @param kind     what it checked: {@code accepted_values}, {@code no_gaps}, {@code sql}, ...
 * @param severity {@code FAIL} or {@code WARN}: what a failure does
 * @param passed   whether the table met it
 * @param failing  how many rows (values, gaps, periods) failed it
 * @param sample   a few of them, quoted as text
 * @param message  the result in words
 */
public record ExpectationResult(
        String name, String kind, String severity, boolean passed, long failing, List<String> sample, String message) {
    public ExpectationResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(message, "message");
        sample = List.copyOf(sample);
    }

    /** A failed expectation of severity FAIL: the run must not commit. */
    public boolean blocks() {
        return !passed && severity.equals("FAIL");
    }
}
