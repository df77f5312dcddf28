package dev.sluice.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Directories a file may be read from, checked by real path: every symbolic link in the path, of the file or of any
 * directory above it, is resolved, also when the file does not exist yet (then its nearest existing directory is),
 * so that a link created later inside an allowed directory cannot lead out of it. Checked when a pipeline file is
 * read and again each time the file is read.
 */
public record Confinement(List<Path> roots) {
    public Confinement {
        roots = List.copyOf(roots);
    }

    /** Why {@code path} may not be read, or empty when it may. */
    public Optional<String> refusal(Path path) {
        Path real;
        try {
            real = realPath(path);
        } catch (IOException e) {
            return Optional.of("cannot resolve " + path + ": " + e.getClass().getSimpleName());
        }
        for (Path root : roots) {
            try {
                if (real.startsWith(realPath(root))) {
                    return Optional.empty();
                }
            } catch (IOException unreadable) {
                // A root that cannot be resolved holds nothing that can be read.
            }
        }
        return Optional.of(path + (real.equals(path.toAbsolutePath().normalize()) ? "" : " (really " + real + ")")
                + " is outside the directories allowed");
    }

    /**
     * The path with every link resolved: the real path of its nearest existing ancestor, then the names below it
     * (which do not exist yet, so cannot be links).
     */
    static Path realPath(Path path) throws IOException {
        Path absolute = path.toAbsolutePath().normalize();
        List<Path> missing = new ArrayList<>();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            missing.add(0, existing.getFileName());
            existing = existing.getParent();
        }
        Path real = existing == null ? absolute.getRoot() : existing.toRealPath();
        for (Path name : missing) {
            real = real.resolve(name);
        }
        return real;
    }
}
