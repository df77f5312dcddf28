package dev.sluice.extract;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last successfully loaded body of each file of each source, on local disk
 * ({@code $SLUICE_HOME/cache/PIPELINE/SOURCE@HASH}, the hash naming the file's URL). When one file changed and another
 * answered 304, the merge still needs the unchanged body: it comes from here, verified against the sha256 recorded
 * in the database, or is fetched again. The cache is only an optimisation: a missing, corrupt or unwritable cache
 * costs a download, never correctness.
 */
public final class SourceCache {
    private static final Logger LOG = LoggerFactory.getLogger(SourceCache.class);

    private final Path root;

    public SourceCache(Path root) {
        this.root = root;
    }

    private Path file(String pipeline, String source, URI url) {
        MessageDigest digest = BodyCopier.sha256();
        String hash = HexFormat.of()
                .formatHex(digest.digest(url.toString().getBytes(StandardCharsets.UTF_8)))
                .substring(0, 16);
        return root.resolve(pipeline).resolve(source + "@" + hash);
    }

    /** The cached body of a file if it exists and its content hashes to {@code sha256}. */
    Optional<Path> find(String pipeline, String source, URI url, String sha256) {
        Path file = file(pipeline, source, url);
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
    void keep(String pipeline, String source, URI url, Path body) {
        Path target = file(pipeline, source, url);
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

    /** Forgets the bodies of files a source no longer has (yesterday's window of a template, a file removed). */
    void retainOnly(String pipeline, String source, List<URI> urls) {
        Set<Path> kept = urls.stream().map(url -> file(pipeline, source, url)).collect(Collectors.toSet());
        Path directory = root.resolve(pipeline);
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, source + "@*")) {
            for (Path entry : entries) {
                if (!kept.contains(entry)) {
                    Files.deleteIfExists(entry);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot prune the cache of {}/{}: {}", pipeline, source, e.getMessage());
        }
    }
}
