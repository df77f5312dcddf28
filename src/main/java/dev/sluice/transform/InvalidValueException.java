package dev.sluice.transform;

/**
 * A value cannot be typed. Package-private and without a stack trace: it is control flow inside a row's
 * validation, turned into a {@link RowProblem} by {@link SourceValidator}, and garbage input can raise millions.
 */
final class InvalidValueException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidValueException(String reason) {
        super(reason, null, false, false);
    }
}
