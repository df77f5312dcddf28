package dev.sluice;

import java.util.Objects;

/**
 * The one root of every failure sluice reports. Each subclass lives beside the code that throws it and fills in
 * the context a user needs to find the problem without reading logs: which source, which line (1-based, the
 * header being line 1), which column (its header name) and the raw value.
 *
 * <p>Messages never contain secrets: throwers pass redacted URLs and never include credentials.
 */
public class SluiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String source;
    private final String file;
    private final Long line;
    private final String column;
    private final String value;

    public SluiceException(ErrorKind kind, String message) {
        this(kind, message, null, null, null, null, null);
    }

    public SluiceException(ErrorKind kind, String message, Throwable cause) {
        this(kind, message, null, null, null, null, cause);
    }

    public SluiceException(
            ErrorKind kind, String message, String source, Long line, String column, String value, Throwable cause) {
        this(kind, message, source, null, line, column, value, cause);
    }

    /** @param file which of a source's several files, or null for a source of one file */
    public SluiceException(
            ErrorKind kind,
            String message,
            String source,
            String file,
            Long line,
            String column,
            String value,
            Throwable cause) {
        // Bounded here, whatever the thrower quoted: a message goes into logs, the run history and notifications.
        super(Excerpt.of(message, Excerpt.MESSAGE), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.source = source;
        this.file = Excerpt.of(file, Excerpt.VALUE);
        this.line = line;
        this.column = Excerpt.of(column, Excerpt.VALUE);
        this.value = Excerpt.of(value, Excerpt.VALUE);
    }

    public ErrorKind kind() {
        return kind;
    }

    /** The source's name in the pipeline, or null when the failure is not about one source. */
    public String source() {
        return source;
    }

    /** Which of a source's several files, or null (a source of one file, or no file at all). */
    public String file() {
        return file;
    }

    /** 1-based line in the source file, the header being line 1; null when not about a line. */
    public Long line() {
        return line;
    }

    /** The column's header name, or null. */
    public String column() {
        return column;
    }

    /** The raw value as read, or null. */
    public String value() {
        return value;
    }

    /** Whether trying again later, with nothing changed, may succeed. */
    public boolean isTransient() {
        return kind.isTransient();
    }
}
