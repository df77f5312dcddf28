package dev.sluice.pipeline;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.history.ExpectationResult;
import dev.sluice.history.RunAudit;
import java.util.stream.Collectors;

/**
 * Expectations of severity {@code fail} found the table wrong before the commit: the run rolls back and fails,
 * naming each with a few of its failing rows, and records every expectation's result.
 */
final class ExpectationFailedException extends SluiceException {
    private final transient RunAudit audit;

    ExpectationFailedException(RunAudit audit) {
        super(ErrorKind.EXPECTATION_FAILED, message(audit));
        this.audit = audit;
    }

    RunAudit audit() {
        return audit;
    }

    private static String message(RunAudit audit) {
        return audit.expectations().stream()
                .filter(ExpectationResult::blocks)
                .map(r -> "expectation '" + r.name() + "' failed: " + r.message())
                .collect(Collectors.joining("; "));
    }
}
