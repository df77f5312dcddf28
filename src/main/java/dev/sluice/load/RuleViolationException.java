package dev.sluice.load;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;

/** A cleaning rule set to {@code fail} found a violation, for example a cumulative count that went down. */
public class RuleViolationException extends SluiceException {
    private static final long serialVersionUID = 1L;

    RuleViolationException(String source, RowPositions.Place place, String column, String value, String message) {
        super(ErrorKind.RULE_VIOLATION, message, source, place.file(), place.line(), column, value, null);
    }
}
