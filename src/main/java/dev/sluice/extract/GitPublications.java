package dev.sluice.extract;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LogCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The past publications of a feed kept in a git repository (a local clone): every commit of the default history
 * that changed one of the files, oldest first, each as of its commit time. JGit reads the repository; no git binary
 * is needed. A publication's files are written out one at a time, streamed from the object store.
 */
public final class GitPublications implements AutoCloseable {
    /** A commit that changed at least one of the files: when, and which. */
    public record Publication(String commit, Instant at, String message) {}

    private final Git git;
    private final Map<String, String> paths;

    private GitPublications(Git git, Map<String, String> paths) {
        this.git = git;
        this.paths = Map.copyOf(paths);
    }

    /**
     * @param paths each source's file, as a path inside the repository ({@code data/us.csv})
     */
    public static GitPublications open(Path repository, Map<String, String> paths) {
        try {
            return new GitPublications(Git.open(repository.toFile()), new LinkedHashMap<>(paths));
        } catch (RepositoryNotFoundException e) {
            throw new SluiceException(ErrorKind.CONFIG, repository + " is not a git repository (a local clone)");
        } catch (IOException e) {
            throw new SluiceException(ErrorKind.LOCAL_IO, "cannot read the repository " + repository + ": " + e, e);
        }
    }

    /**
     * The commits that changed any of the files, oldest first, from {@code since} on; those before every file
     * existed are left out (a run needs all its sources).
     */
    public List<Publication> publications(Optional<Instant> since) {
        try {
            LogCommand log = git.log();
            paths.values().forEach(log::addPath);
            List<Publication> found = new ArrayList<>();
            for (RevCommit commit : log.call()) {
                Instant at = Instant.ofEpochSecond(commit.getCommitTime());
                if (since.isPresent() && at.isBefore(since.get())) {
                    continue;
                }
                boolean all = true;
                for (String path : paths.values()) {
                    all &= exists(commit, path);
                }
                if (all) {
                    found.add(new Publication(commit.getName(), at, commit.getShortMessage()));
                }
            }
            found.sort(Comparator.comparing(Publication::at));
            return found;
        } catch (GitAPIException | IOException e) {
            throw new SluiceException(ErrorKind.LOCAL_IO, "cannot read the history of the repository: " + e, e);
        }
    }

    /** Writes each source's file as it was at {@code publication} into {@code directory}; returns them by source. */
    public Map<String, Path> writeOut(Publication publication, Path directory) {
        Repository repository = git.getRepository();
        Map<String, Path> files = new LinkedHashMap<>();
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit commit = walk.parseCommit(ObjectId.fromString(publication.commit()));
            for (Map.Entry<String, String> source : paths.entrySet()) {
                Path file = directory.resolve(
                        source.getKey() + "-" + Path.of(source.getValue()).getFileName());
                try (TreeWalk tree = TreeWalk.forPath(repository, source.getValue(), commit.getTree());
                        OutputStream out = Files.newOutputStream(file)) {
                    repository.open(tree.getObjectId(0)).copyTo(out);
                }
                files.put(source.getKey(), file);
            }
            return files;
        } catch (IOException e) {
            throw new SluiceException(
                    ErrorKind.LOCAL_IO, "cannot write out the files of commit " + publication.commit() + ": " + e, e);
        }
    }

    private boolean exists(RevCommit commit, String path) throws IOException {
        try (TreeWalk tree = TreeWalk.forPath(git.getRepository(), path, commit.getTree())) {
            return tree != null;
        }
    }

    @Override
    public void close() {
        git.close();
    }
}
