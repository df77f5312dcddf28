package dev.sluice.extract;

import dev.sluice.SluiceException;
import dev.sluice.config.SourceLocation;
import dev.sluice.config.SourceSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One source's fetch within a run: its files, each fetched by a {@link FileFetch} with its own conditional GET and
 * sha256, at most {@link #PARALLEL_FILES} downloading at once. The source is unchanged when it has the same files as
 * at the last load and each is unchanged. A template that skips unpublished dates leaves out, with a warning, the
 * files that are not there; any other missing file fails the run when it is asked for.
 */
final class SourceFetch {
    private static final Logger LOG = LoggerFactory.getLogger(SourceFetch.class);

    /** Enough to keep a link busy; few enough not to hammer a server that publishes one file per day. */
    static final int PARALLEL_FILES = 4;

    private final SourceCache cache;
    private final String pipeline;
    private final SourceSpec source;
    private final List<SourceState> lastLoaded;
    private final List<FileFetch> files = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private SluiceException failure;
    private List<FileFetch> present;

    SourceFetch(
            SourceFetcher fetcher,
            SourceCache cache,
            String pipeline,
            SourceSpec source,
            List<SourceState> lastLoaded,
            Clock clock) {
        this.cache = cache;
        this.pipeline = pipeline;
        this.source = source;
        this.lastLoaded = List.copyOf(lastLoaded);
        List<PlannedFile> planned;
        try {
            planned = SourceFiles.of(source, clock, fetcher::listRemote);
        } catch (SluiceException e) {
            // Reported when the run asks for the source, so that it is recorded as the run's failure.
            failure = e;
            return;
        }
        Map<String, SourceState> byUrl = new HashMap<>();
        lastLoaded.forEach(state -> byUrl.put(state.url(), state));
        Semaphore permits = new Semaphore(PARALLEL_FILES);
        for (PlannedFile file : planned) {
            Optional<SourceState> state = Optional.ofNullable(byUrl.get(UrlRedactor.redact(file.url())));
            if (state.isEmpty() && planned.size() == 1 && lastLoaded.size() == 1) {
                state = Optional.of(lastLoaded.get(0)); // the same source at another URL: its sha256 still counts
            }
            files.add(new FileFetch(fetcher, cache, pipeline, source, file, permits, state));
        }
    }

    /**
     * The files that are there: all of them, or for a template that skips unpublished dates, those that did not
     * answer 404 (waiting for each to start arriving).
     */
    private synchronized List<FileFetch> present() {
        if (failure != null) {
            throw failure;
        }
        if (present != null) {
            return present;
        }
        if (!(source.location() instanceof SourceLocation.DateTemplate template)
                || template.missing() != SourceLocation.MissingFiles.SKIP) {
            present = files;
            return present;
        }
        List<FileFetch> found = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (FileFetch file : files) {
            if (file.missing()) {
                skipped.add(file.file().label());
                file.close();
            } else {
                found.add(file);
            }
        }
        if (found.isEmpty()) {
            failure = SourceUnavailableException.missing(
                    source.name(),
                    source.name() + ": none of the " + files.size() + " files of " + template.describe() + " is there",
                    null);
            throw failure;
        }
        if (!skipped.isEmpty()) {
            String warning = source.name() + ": " + skipped.size() + " of " + files.size()
                    + " files not published, skipped (missing: skip): "
                    + String.join(", ", skipped.stream().limit(10).toList())
                    + (skipped.size() > 10 ? ", ..." : "");
            LOG.warn(warning);
            warnings.add(warning);
        }
        present = found;
        return present;
    }

    /** Whether every file is the one last loaded, without reading it, and no file came or went. */
    boolean unchangedBeforeReading() {
        List<FileFetch> now = present();
        Set<String> urls =
                now.stream().map(f -> UrlRedactor.redact(f.file().url())).collect(Collectors.toSet());
        Set<String> before = lastLoaded.stream().map(SourceState::url).collect(Collectors.toSet());
        return urls.equals(before) && now.stream().allMatch(FileFetch::unchangedBeforeReading);
    }

    /** The files to read, in order; each body is chosen when it is first opened. */
    List<SourceFile> files() {
        return present().stream()
                .map(file ->
                        new SourceFile(file.file().label(), () -> file.body().open()))
                .toList();
    }

    /** What each file's download found, waiting for those still running. */
    List<Download> downloads() {
        return present().stream().map(FileFetch::download).toList();
    }

    /** The downloads that completed by now, without waiting. */
    synchronized List<Download> completed() {
        List<FileFetch> known = present == null ? files : present;
        List<Download> completed = new ArrayList<>();
        known.forEach(file -> file.completed().ifPresent(completed::add));
        return completed;
    }

    synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** After a committed load: keeps each file's body in the cache, and forgets files the source no longer has. */
    void keep() {
        List<FileFetch> now = present();
        now.forEach(FileFetch::keep);
        cache.retainOnly(
                pipeline, source.name(), now.stream().map(f -> f.file().url()).toList());
    }

    void close() {
        files.forEach(FileFetch::close);
    }
}
