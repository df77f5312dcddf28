package dev.sluice;

/**
 * What failed, as recorded in a run's {@code error.kind}. Scripts and notifications match on these names,
 * so they are part of the public interface: add, never rename.
 */
public enum ErrorKind {
    /** The pipeline file is invalid, or a command-line value is. */
    CONFIG(false),
    /** The source could not be fetched: connection error, timeout or HTTP error status, after all retries. */
    SOURCE_UNAVAILABLE(true),
    /** The source answered, but its body is not the expected CSV: HTML, empty, cut off, wrong encoding. */
    NOT_CSV(false),
    /** The source body is larger than the configured limit. */
    TOO_LARGE(false),
    /** A column the pipeline uses is missing from the header: schema drift upstream. */
    MISSING_COLUMN(false),
    /** One or more values could not be typed or broke a rule; the first one is named. */
    INVALID_VALUE(false),
    /** A key appears twice within one source. */
    DUPLICATE_KEY(false),
    /** A source has a header but no data rows. */
    EMPTY_SOURCE(false),
    /** A cleaning rule set to fail the run found a violation. */
    RULE_VIOLATION(false),
    /** The existing target table does not match the pipeline (missing column, other type). */
    TARGET_SCHEMA(false),
    /** The database failed or was unreachable during the run. */
    DATABASE(true),
    /** The process ended in the middle of the run (killed, crashed, machine lost). */
    INTERRUPTED(true),
    /** A local resource failed: disk full, temporary directory not writable. */
    LOCAL_IO(true),
    /** A notification could not be delivered (never a run's own error: delivery is retried from the outbox). */
    NOTIFICATION(true),
    /** A bug in sluice. */
    INTERNAL(false),
    /**
     * A guard found a valid publication wrong: a source with far fewer rows than at the last successful load, or
     * fewer than its minimum.
     */
    ROW_COUNT_DROP(false),
    /** A guard found a run changing more of the table than the pipeline allows ({@code guards.max_changed}). */
    TOO_MANY_CHANGES(false),
    /** A declared expectation ({@code expectations:}, severity {@code fail}) found the table wrong before commit. */
    EXPECTATION_FAILED(false);

    private final boolean transientByDefault;

    ErrorKind(boolean transientByDefault) {
        this.transientByDefault = transientByDefault;
    }

    /** Whether trying again later, with nothing changed, may succeed. */
    public boolean isTransient() {
        return transientByDefault;
    }
}
