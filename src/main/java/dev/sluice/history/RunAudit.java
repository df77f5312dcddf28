package dev.sluice.history;

import java.util.List;
import java.util.Optional;

/**
 * What a run checked and found besides its counts: each declared expectation's result, the summary of what it
 * revised, and whether it was a dry run (everything done, then rolled back).
 */
public record RunAudit(boolean dryRun, List<ExpectationResult> expectations, Optional<Revisions> revisions) {
    public static final RunAudit NONE = new RunAudit(false, List.of(), Optional.empty());

    public RunAudit {
        expectations = List.copyOf(expectations);
    }

    public RunAudit asDryRun() {
        return new RunAudit(true, expectations, revisions);
    }

    /** The expectations that failed, of either severity. */
    public List<ExpectationResult> failed() {
        return expectations.stream().filter(e -> !e.passed()).toList();
    }
}
