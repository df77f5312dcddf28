package dev.sluice.history;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import java.util.List;

/**
 * Why a run failed: the error kind and, where they apply, the source, line, column and raw value of the
 * (first) problem, plus the collected problems when there were several.
 */
public record RunError(
        ErrorKind kind, String source, Long line, String column, String value, String message, List<Problem> problems) {

    /** What a NUL character in a source's text is shown as: PostgreSQL cannot store NUL in text or jsonb. */
    static final char SHOWN_NUL = '\u2400';

    /** One invalid value or row: where it is and why it is wrong. */
    public record Problem(String source, long line, String column, String value, String reason) {
        public Problem {
            column = printable(column);
            value = printable(value);
            reason = printable(reason);
        }
    }

    /**
     * Values and messages quote a hostile file verbatim, NUL bytes included; those become {@link #SHOWN_NUL} (the
     * symbol for NUL), or the failure itself could not be recorded.
     */
    public RunError {
        column = printable(column);
        value = printable(value);
        message = printable(message);
        problems = List.copyOf(problems);
    }

    private static String printable(String text) {
        return text == null ? null : text.replace('\0', SHOWN_NUL);
    }

    public static RunError of(SluiceException e, List<Problem> problems) {
        return new RunError(e.kind(), e.source(), e.line(), e.column(), e.value(), e.getMessage(), problems);
    }

    /** A one-line description: {@code INVALID_VALUE: nyt line 5, column cases: ...}. */
    public String describe() {
        return kind + ": " + message;
    }
}
