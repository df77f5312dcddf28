package dev.sluice.extract;

import dev.sluice.config.SourceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file's fetch within a run (a source has one file, or several). How its body is read is decided here, once,
 * from what the last load remembered of the file:
 *
 * <ul>
 *   <li>{@link ReadPolicy#AFTER_DOWNLOAD} when the same URL was loaded before from a server that cannot say "not
 *   modified" (it sent no ETag and no Last-Modified), or the source is a local file: the body is downloaded and
 *   hashed first, so that an identical body costs no load at all;</li>
 *   <li>{@link ReadPolicy#FOLLOW_DOWNLOAD} otherwise: there is no earlier body, or the server answers a conditional
 *   GET (a 200 then almost surely means another body), or the URL is another one (another publication). The load
 *   reads the body while it arrives; its sha256, known at the end, still tells an identical body, and the load is
 *   then rolled back.</li>
 * </ul>
 *
 * A source that answered 304 is read from the cached copy of the body last loaded when it verifies, or downloaded
 * again when the load needs it.
 */
final class FileFetch {
    private static final Logger LOG = LoggerFactory.getLogger(FileFetch.class);

    enum ReadPolicy {
        FOLLOW_DOWNLOAD,
        AFTER_DOWNLOAD
    }

    private final SourceFetcher fetcher;
    private final SourceCache cache;
    private final String pipeline;
    private final SourceSpec source;
    private final PlannedFile file;
    private final Semaphore permits;
    private final Optional<SourceState> lastLoaded;
    private final ReadPolicy policy;
    private BodyDownload download;
    private SourceBody body;
    private Optional<Path> cached = Optional.empty();

    /**
     * @param permits    how many of the source's files may download at once: one of them is taken while this one
     *                   downloads
     * @param lastLoaded what the last load remembered of this file (by its URL), or for a source of one file whose
     *                   URL changed, of the file it had: its sha256 still tells an identical body
     */
    FileFetch(
            SourceFetcher fetcher,
            SourceCache cache,
            String pipeline,
            SourceSpec source,
            PlannedFile file,
            Semaphore permits,
            Optional<SourceState> lastLoaded) {
        this.fetcher = fetcher;
        this.cache = cache;
        this.pipeline = pipeline;
        this.source = source;
        this.file = file;
        this.permits = permits;
        this.lastLoaded = lastLoaded;
        String shownUrl = UrlRedactor.redact(file.url());
        boolean local = file.url().getScheme().equalsIgnoreCase("file");
        Optional<SourceState> sameUrl = lastLoaded.filter(s -> s.url().equals(shownUrl));
        Optional<SourceState> conditional = sameUrl.filter(s -> !local)
                .filter(s -> s.etag().isPresent() || s.lastModified().isPresent());
        boolean cannotSayNotModified = sameUrl.isPresent() && conditional.isEmpty();
        this.policy = lastLoaded.isPresent() && (local || cannotSayNotModified)
                ? ReadPolicy.AFTER_DOWNLOAD
                : ReadPolicy.FOLLOW_DOWNLOAD;
        this.download = fetcher.start(source, file, permits, conditional, lastLoaded);
        LOG.debug("{}: {}{}", file.name(source.name()), policy, conditional.isPresent() ? ", conditional GET" : "");
    }

    PlannedFile file() {
        return file;
    }

    /**
     * Waits until the body starts arriving or the download ends, and says whether the file is not there (a 404, no
     * such file): what a template that skips unpublished dates asks before reading.
     *
     * @throws dev.sluice.SluiceException any other failure of the download
     */
    synchronized boolean missing() {
        try {
            download.awaitStartOrEnd();
            return false;
        } catch (SourceUnavailableException e) {
            if (e.missing()) {
                return true;
            }
            throw e;
        }
    }

    /**
     * Whether the body is known to be the one last loaded without reading it: a 304, or a finished body with the
     * same sha256. False as soon as a body followed while it downloads starts arriving.
     */
    synchronized boolean unchangedBeforeReading() {
        return switch (policy) {
            case FOLLOW_DOWNLOAD ->
                download.awaitStartOrEnd().map(Download::notModified).orElse(false);
            case AFTER_DOWNLOAD -> download.await().unchanged();
        };
    }

    /** The body to read; for a 304, the cached body last loaded, or the same body downloaded again. */
    synchronized SourceBody body() {
        if (body == null) {
            body = chooseBody();
        }
        return body;
    }

    private SourceBody chooseBody() {
        boolean notModified = switch (policy) {
            case FOLLOW_DOWNLOAD ->
                download.awaitStartOrEnd().map(Download::notModified).orElse(false);
            case AFTER_DOWNLOAD -> download.await().notModified();
        };
        if (!notModified) {
            return unpacked(download::open);
        }
        cached =
                cache.find(pipeline, source.name(), file.url(), download.await().sha256());
        if (cached.isPresent()) {
            Path body = cached.get();
            return unpacked(() -> open(body));
        }
        download.discard();
        download = fetcher.start(source, file, permits, Optional.empty(), lastLoaded);
        return unpacked(download::open);
    }

    /** The body's CSV text: unpacked from gzip or zip as it is read (see {@link Unpacking}). */
    private SourceBody unpacked(SourceBody raw) {
        return () ->
                Unpacking.open(source.name(), file.name(source.name()), source.format(), source.fetch(), raw.open());
    }

    private InputStream open(Path body) {
        try {
            return Files.newInputStream(body);
        } catch (IOException e) {
            throw new LocalStorageException(source.name(), "cannot read the cached body " + body, e);
        }
    }

    /** The finished download, waiting for it. */
    synchronized Download download() {
        return download.await();
    }

    /** The download if it completed by now; never waits. */
    synchronized Optional<Download> completed() {
        return download.completedNow();
    }

    /** After a committed load: the body just loaded becomes the cached one (a body read from the cache is there). */
    synchronized void keep() {
        if (body != null
                && cached.isEmpty()
                && download.completedNow().filter(d -> !d.notModified()).isPresent()) {
            cache.keep(pipeline, source.name(), file.url(), download.file());
        }
    }

    /** Stops the download if it still runs and deletes its temporary file. */
    synchronized void close() {
        download.discard();
    }
}
