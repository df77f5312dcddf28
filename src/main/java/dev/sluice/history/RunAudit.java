package dev.sluice.history;

import java.util.List;
import java.util.Optional;

/**
 * What a run checked and found besides its counts: each declared expectation's result, the summary of what it
 * revised, whether it was a dry run (everything done, then rolled back), and how its publication was compared with
 * the table (with the last load's digest, or with the whole table and why).
 */
public record RunAudit(
        boolean dryRun, List<ExpectationResult> expectations, Optional<Revisions> revisions, String comparison) {
    public static final RunAudit NONE = new RunAudit(false, List.of(), Optional.empty(), "");

    public RunAudit {
        expectations = List.copyOf(expectations);
        java.util.Objects.requireNonNull(comparison, "comparison");
    }

    public RunAudit asDryRun() {
        return new RunAudit(true, expectations, revisions, comparison);
    }

    /** The expectations that failed, of either severity. */
    public List<ExpectationResult> failed() {
        return expectations.stream().filter(e -> !e.passed()).toList();
    }
}
