package dev.sluice.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A password, token or key. It is read from the environment or a file, never from a pipeline file or a command
 * line (where {@code ps} would show it), and {@link #toString} never reveals it: a secret logged or put in a
 * message by mistake prints as {@code ***}.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** Reads a secret file, trailing newline removed. */
    public static Secret fromFile(Path file) throws IOException {
        return new Secret(Files.readString(file, StandardCharsets.UTF_8).stripTrailing());
    }

    /** The secret itself: call only where it is handed to the library that needs it. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "***";
    }
}
