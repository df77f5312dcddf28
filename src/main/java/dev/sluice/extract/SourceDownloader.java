package dev.sluice.extract;

import dev.sluice.Sleeper;
import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.config.SourceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;

/**
 * Fetches a pipeline's sources into temporary files, in parallel: conditional GET when the last run's state is
 * known, and the sha256 of every body so that a re-published identical file is recognised as unchanged.
 * Entry points: {@link #fetchAll} then, when something changed, {@link #resolveBodies}.
 */
public final class SourceDownloader {
    private final HttpSourceFetcher http;
    private final SourceCache cache;
    private final Path tempDir;
    private final ExecutorService background = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "sluice-download");
        thread.setDaemon(true);
        return thread;
    });

    public SourceDownloader(SourceCache cache, Path tempDir, Sleeper sleeper, RandomGenerator random, Clock clock,
                            DownloadListener listener) {
        this.http = new HttpSourceFetcher(sleeper, random, clock, listener);
        this.cache = cache;
        this.tempDir = tempDir;
    }

    /**
     * Starts preparing what the downloads of these sources will need (HTTP clients), in the background: call it
     * before connecting to the database, which takes as long.
     */
    public static void prepare(List<SourceSpec> sources) {
        HttpClients.warmUp(sources.stream().filter(s -> !s.url().getScheme().equalsIgnoreCase("file"))
                .map(s -> s.fetch().connectTimeout()).distinct().toList());
    }

    /**
     * Fetches every source, conditionally where the last good state is known. Sources that answer 304 have no body
     * yet: {@link #resolveBodies} finds it when it is needed.
     */
    public List<Download> fetchAll(List<SourceSpec> sources, Map<String, SourceState> states) {
        if (sources.size() == 1) {
            return List.of(fetch(sources.get(0), Optional.ofNullable(states.get(sources.get(0).name())), true));
        }
        ExecutorService pool = Executors.newFixedThreadPool(sources.size(), runnable -> {
            Thread thread = new Thread(runnable, "sluice-download");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Download>> futures = new ArrayList<>();
            for (SourceSpec source : sources) {
                Optional<SourceState> state = Optional.ofNullable(states.get(source.name()));
                futures.add(pool.submit(() -> fetch(source, state, true)));
            }
            List<Download> downloads = new ArrayList<>();
            SluiceException firstFailure = null;
            for (Future<Download> future : futures) {
                try {
                    downloads.add(future.get());
                } catch (ExecutionException e) {
                    firstFailure = firstFailure != null ? firstFailure : asSluiceException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    firstFailure = new SluiceException(ErrorKind.INTERRUPTED, "interrupted while downloading", e);
                }
            }
            if (firstFailure != null) {
                delete(downloads);
                throw firstFailure;
            }
            return downloads;
        } finally {
            pool.shutdownNow();
        }
    }

    private static SluiceException asSluiceException(Throwable cause) {
        if (cause instanceof SluiceException e) {
            return e;
        }
        return new SluiceException(ErrorKind.INTERNAL, "download failed: " + cause, cause);
    }

    /**
     * Starts downloading every source in the background, unconditionally, for a first load: the bodies can be read
     * while they arrive. {@code file:} sources are copied before this returns (they are local and fast).
     */
    public List<PendingDownload> startAll(List<SourceSpec> sources) {
        List<PendingDownload> pending = new ArrayList<>();
        for (SourceSpec source : sources) {
            Path file = createTempFile(source);
            GrowingBody body = new GrowingBody(file);
            PendingDownload download = new PendingDownload(source.name(), body);
            download.started(background.submit(() -> downloadInto(source, body)));
            pending.add(download);
        }
        return pending;
    }

    private void downloadInto(SourceSpec source, GrowingBody body) {
        if (!body.begin()) {
            return;
        }
        try {
            String shownUrl = UrlRedactor.redact(source.url());
            Download download;
            if (source.url().getScheme().equalsIgnoreCase("file")) {
                download = fromFile(source, shownUrl, body.file(), Optional.empty());
                body.attemptStarted();
                body.wrote(download.bytes());
            } else {
                download = fromHttp(source, shownUrl, body.file(), Optional.empty(), Optional.empty(),
                        new HttpSourceFetcher.AttemptObserver() {
                            @Override
                            public void attemptStarted() {
                                body.attemptStarted();
                            }

                            @Override
                            public void copied(long bytes) {
                                body.wrote(bytes);
                            }
                        });
            }
            body.completed(download);
        } catch (SluiceException e) {
            body.failed(e);
        } catch (RuntimeException e) {
            body.failed(asSluiceException(e));
        } finally {
            body.end();
        }
    }

    /**
     * Gives every download a body: unchanged sources that answered 304 take theirs from the cache when it
     * verifies, or are fetched again unconditionally.
     */
    public List<Download> resolveBodies(String pipeline, List<SourceSpec> sources, List<Download> downloads) {
        List<Download> resolved = new ArrayList<>();
        for (Download download : downloads) {
            if (download.body().isPresent()) {
                resolved.add(download);
                continue;
            }
            Optional<Path> cached = cache.find(pipeline, download.source(), download.sha256());
            if (cached.isPresent()) {
                resolved.add(download.withBody(cached.get()));
            } else {
                SourceSpec source = sources.stream().filter(s -> s.name().equals(download.source())).findFirst()
                        .orElseThrow();
                resolved.add(fetch(source, Optional.empty(), false));
            }
        }
        return resolved;
    }

    private Download fetch(SourceSpec source, Optional<SourceState> state, boolean conditional) {
        String shownUrl = UrlRedactor.redact(source.url());
        Optional<SourceState> sameUrlState = state.filter(s -> s.url().equals(shownUrl));
        Path file = createTempFile(source);
        try {
            Download download = source.url().getScheme().equalsIgnoreCase("file")
                    ? fromFile(source, shownUrl, file, sameUrlState)
                    : fromHttp(source, shownUrl, file, conditional ? sameUrlState : Optional.empty(), state);
            if (download.body().isEmpty()) {
                deleteQuietly(file);
            }
            return download;
        } catch (RuntimeException e) {
            deleteQuietly(file);
            throw e;
        }
    }

    private Download fromHttp(SourceSpec source, String shownUrl, Path file, Optional<SourceState> conditional,
                              Optional<SourceState> state) {
        return fromHttp(source, shownUrl, file, conditional, state, HttpSourceFetcher.AttemptObserver.NONE);
    }

    private Download fromHttp(SourceSpec source, String shownUrl, Path file, Optional<SourceState> conditional,
                              Optional<SourceState> state, HttpSourceFetcher.AttemptObserver observer) {
        HttpSourceFetcher.Fetched fetched = http.fetch(source, shownUrl, conditional, file, observer);
        if (fetched.status() == 304) {
            SourceState known = conditional.orElseThrow();
            return new Download(source.name(), shownUrl, Optional.empty(), known.bytes(), known.sha256(),
                    fetched.etag(), fetched.lastModified(), true, true, false);
        }
        BodyCopier.Copied body = fetched.body();
        boolean unchanged = state.map(s -> s.sha256().equals(body.sha256())).orElse(false);
        return new Download(source.name(), shownUrl, Optional.of(file), body.bytes(), body.sha256(), fetched.etag(),
                fetched.lastModified(), false, unchanged, true);
    }

    private static Download fromFile(SourceSpec source, String shownUrl, Path file, Optional<SourceState> state) {
        Path path = Path.of(source.url());
        try (InputStream in = Files.newInputStream(path)) {
            long max = source.fetch().maxBytes();
            BodyCopier.Copied body = BodyCopier.copy(source.name(), in, file, max, bytes -> { });
            BodySniffer.check(source.name(), body.bytes(), body.prefix(), body.prefixLength(), null);
            boolean unchanged = state.map(s -> s.sha256().equals(body.sha256())).orElse(false);
            return new Download(source.name(), shownUrl, Optional.of(file), body.bytes(), body.sha256(),
                    Optional.empty(), Optional.empty(), false, unchanged, true);
        } catch (NoSuchFileException e) {
            throw new SourceUnavailableException(source.name(), source.name() + ": no such file " + path, false, e);
        } catch (IOException e) {
            throw new SourceUnavailableException(source.name(), source.name() + ": cannot read " + path + ": "
                    + e.getMessage(), false, e);
        }
    }

    private Path createTempFile(SourceSpec source) {
        try {
            Files.createDirectories(tempDir);
            return Files.createTempFile(tempDir, "sluice-" + source.name() + "-", ".csv");
        } catch (IOException e) {
            throw new LocalStorageException(source.name(), "cannot create a temporary file in " + tempDir, e);
        }
    }

    /** Deletes the temporary bodies of a run; cached bodies stay. */
    public static void delete(List<Download> downloads) {
        for (Download download : downloads) {
            if (download.temporary()) {
                download.body().ifPresent(SourceDownloader::deleteQuietly);
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A leftover temporary file is harmless; the OS cleans its temporary directory.
        }
    }
}
