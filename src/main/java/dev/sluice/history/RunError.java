package dev.sluice.history;

import dev.sluice.ErrorKind;
import dev.sluice.Excerpt;
import dev.sluice.SluiceException;
import java.util.List;

/**
 * Why a run failed: the error kind and, where they apply, the source, line, column and raw value of the
 * (first) problem, plus the first problems when there were several.
 *
 * @param problems     the first {@link #RECORDED_PROBLEMS} problems
 * @param problemCount every problem found, the first ones included: a file with a million bad rows still gives a
 *                     record of a few kilobytes
 */
public record RunError(
        ErrorKind kind,
        String source,
        String file,
        Long line,
        String column,
        String value,
        String message,
        List<Problem> problems,
        long problemCount) {
    /** Problems kept in the run history, notifications and the API; the rest are counted. */
    public static final int RECORDED_PROBLEMS = 10;

    /** What a NUL character in a source's text is shown as: PostgreSQL cannot store NUL in text or jsonb. */
    static final char SHOWN_NUL = '\u2400';

    /** One invalid value or row: where it is and why it is wrong. */
    public record Problem(String source, String file, long line, String column, String value, String reason) {
        public Problem {
            file = printable(Excerpt.of(file, Excerpt.VALUE));
            column = printable(Excerpt.of(column, Excerpt.VALUE));
            value = printable(Excerpt.of(value, Excerpt.VALUE));
            reason = printable(Excerpt.of(reason, Excerpt.VALUE));
        }
    }

    /**
     * Values and messages quote a hostile file verbatim, NUL bytes included; those become {@link #SHOWN_NUL} (the
     * symbol for NUL), or the failure itself could not be recorded.
     */
    public RunError {
        file = printable(Excerpt.of(file, Excerpt.VALUE));
        column = printable(Excerpt.of(column, Excerpt.VALUE));
        value = printable(Excerpt.of(value, Excerpt.VALUE));
        message = printable(Excerpt.of(message, Excerpt.MESSAGE));
        problemCount = Math.max(problemCount, problems.size());
        problems = List.copyOf(problems.subList(0, Math.min(problems.size(), RECORDED_PROBLEMS)));
    }

    /** An error without a list of problems. */
    public static RunError of(ErrorKind kind, String message) {
        return new RunError(kind, null, null, null, null, null, message, List.of(), 0);
    }

    private static String printable(String text) {
        return text == null ? null : text.replace('\0', SHOWN_NUL);
    }

    /** A failure and the problems it found, {@code problemCount} in all. */
    public static RunError of(SluiceException e, List<Problem> problems, long problemCount) {
        return new RunError(
                e.kind(),
                e.source(),
                e.file(),
                e.line(),
                e.column(),
                e.value(),
                e.getMessage(),
                problems,
                problemCount);
    }

    public static RunError of(SluiceException e) {
        return of(e, List.of(), 0);
    }

    /** A one-line description: {@code INVALID_VALUE: nyt line 5, column cases: ...}. */
    public String describe() {
        return kind + ": " + message;
    }
}
