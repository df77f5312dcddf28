package dev.sluice.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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

    /**
     * Reads {@code NAME} from the environment, or the file named by {@code NAME_FILE} (trailing newline removed,
     * as written by {@code echo} or a Kubernetes secret mount).
     */
    public static Optional<Secret> fromEnvironment(Map<String, String> env, String name) {
        String direct = env.get(name);
        if (direct != null && !direct.isEmpty()) {
            return Optional.of(new Secret(direct));
        }
        String file = env.get(name + "_FILE");
        if (file == null || file.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(fromFile(Path.of(file)));
        } catch (IOException e) {
            throw new PipelineConfigException(name + "_FILE", 0, "", "cannot read the secret file " + file + ": "
                    + e.getClass().getSimpleName());
        }
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
