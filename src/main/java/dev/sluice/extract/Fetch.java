package dev.sluice.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A run's fetch of every source, started by {@link SourceFetcher#fetch}: the files to read, and once read, what
 * each download found. Closing it stops what still downloads and deletes the temporary files; {@link #keep} first
 * moves the bodies of a committed load into the cache.
 */
public final class Fetch implements AutoCloseable {
    private final Map<String, SourceFetch> sources;
    private final List<String> order;

    Fetch(Map<String, SourceFetch> sources) {
        this.sources = Map.copyOf(sources);
        this.order = List.copyOf(sources.keySet());
    }

    /**
     * Whether every source is known to be the one last loaded without reading it: the same files, each of which
     * answered 304, or was downloaded whole (a server without conditional GET, a local file) and hashes the same.
     * Waits for each file only as long as it takes to tell.
     *
     * @throws dev.sluice.SluiceException the first failed download
     */
    public boolean unchangedBeforeReading() {
        return order.stream().allMatch(name -> sources.get(name).unchangedBeforeReading());
    }

    /** The files of a source, to read in this order. */
    public List<SourceFile> files(String source) {
        SourceFetch fetch = sources.get(source);
        if (fetch == null) {
            throw new IllegalArgumentException("no source " + source + " in this fetch");
        }
        return fetch.files();
    }

    /** What every file's download found, waiting for those still running; in the sources' and files' order. */
    public List<Download> downloads() {
        return order.stream()
                .flatMap(name -> sources.get(name).downloads().stream())
                .toList();
    }

    /** The downloads that completed by now, without waiting: what a failed run still records. */
    public List<Download> completed() {
        List<Download> completed = new ArrayList<>();
        order.forEach(name -> completed.addAll(sources.get(name).completed()));
        return completed;
    }

    /** What fetching found worth telling: files a template skipped because they are not published. */
    public List<String> warnings() {
        return order.stream()
                .flatMap(name -> sources.get(name).warnings().stream())
                .toList();
    }

    /** After the load committed: keeps the bodies it read in the cache, for a later run whose other source changed. */
    public void keep() {
        order.forEach(name -> sources.get(name).keep());
    }

    @Override
    public void close() {
        order.forEach(name -> sources.get(name).close());
    }
}
