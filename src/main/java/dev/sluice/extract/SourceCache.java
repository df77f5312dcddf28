package dev.sluice.extract;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last successfully loaded body of each source, on local disk ({@code $SLUICE_HOME/cache/PIPELINE/SOURCE}).
 * When one source changed and another answered 304, the merge still needs the unchanged body: it comes from here,
 * verified against the sha256 recorded in the database, or is fetched again. The cache is only an optimisation:
 * a missing, corrupt or unwritable cache costs a download, never correctness.
 */
public final class SourceCache {
    private static final Logger LOG = LoggerFactory.getLogger(SourceCache.class);

    private final Path root;

    public SourceCache(Path root) {
        this.root = root;
    }

    private Path file(String pipeline, String source) {
        return root.resolve(pipeline).resolve(source);
    }

    /** The cached body of a source if it exists and its content hashes to {@code sha256}. */
    Optional<Path> find(String pipeline, String source, String sha256) {
        Path file = file(pipeline, source);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = BodyCopier.sha256();
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) != -1) {
                digest.update(buffer, 0, n);
            }
            if (HexFormat.of().formatHex(digest.digest()).equals(sha256)) {
                return Optional.of(file);
            }
            LOG.warn("cached body of {}/{} does not match its recorded sha256; fetching it again", pipeline, source);
        } catch (IOException e) {
            LOG.warn("cannot read the cached body of {}/{}: {}; fetching it again", pipeline, source, e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * Keeps the body of a committed run: the temporary file is moved in (no copy). A failure is logged: the next run
     * fetches again.
     */
    void keep(String pipeline, String source, Path body) {
        Path target = file(pipeline, source);
        try {
            Files.createDirectories(target.getParent());
            Path staged = Files.createTempFile(target.getParent(), source, ".part");
            Files.move(body, staged, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("cannot cache the body of {}/{}: {}", pipeline, source, e.getMessage());
        }
    }
}
