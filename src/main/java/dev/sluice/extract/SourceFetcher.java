package dev.sluice.extract;

import dev.sluice.ErrorKind;
import dev.sluice.Sleeper;
import dev.sluice.SluiceException;
import dev.sluice.config.AllowedNetworks;
import dev.sluice.config.SourceLocation;
import dev.sluice.config.SourceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.random.RandomGenerator;

/**
 * Fetches a pipeline's sources: every body downloads in the background, in parallel, into a temporary file while
 * the load reads it (conditional GET when the last load's state is known, and the sha256 of every body, so that a
 * re-published identical file is recognised as unchanged). Entry point: {@link #fetch}.
 */
public final class SourceFetcher {
    private final HttpSourceFetcher http;
    private final S3SourceFetcher s3;
    private final SftpSourceFetcher sftp;
    private final Clock clock;
    private final SourceCache cache;
    private final Path tempDir;
    private final ExecutorService background = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "sluice-download");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param allowed internal address ranges sources and their redirects may reach anyway
     * @param s3      where {@code s3://} sources are fetched from, and with which credentials
     */
    public SourceFetcher(
            SourceCache cache,
            Path tempDir,
            Sleeper sleeper,
            RandomGenerator random,
            Clock clock,
            DownloadListener listener,
            AllowedNetworks allowed,
            S3Access s3) {
        this.http = new HttpSourceFetcher(sleeper, random, clock, listener, new AddressPolicy(allowed));
        this.s3 = new S3SourceFetcher(s3);
        this.sftp = new SftpSourceFetcher(sleeper, random, new AddressPolicy(allowed));
        this.clock = clock;
        this.cache = cache;
        this.tempDir = tempDir;
    }

    /** The files of a server's directory a glob matches: {@code sftp://} is the only kind listed. */
    List<URI> listRemote(SourceSpec source, SourceLocation.RemoteGlob glob) {
        return sftp.list(source, glob);
    }

    /**
     * Starts preparing what the downloads of these sources will need (HTTP clients), in the background: call it
     * before connecting to the database, which takes as long.
     */
    public static void prepare(List<SourceSpec> sources) {
        HttpClients.warmUp(sources.stream()
                .filter(s -> s.location().confinement().isEmpty())
                .map(s -> s.fetch().connectTimeout())
                .distinct()
                .toList());
    }

    /**
     * Starts fetching every source and returns at once: failures surface when a body or its result is asked for.
     *
     * @param lastLoaded what the last successful load remembered of each source's files (for conditional GET and
     *                   sha256), by source
     */
    public Fetch fetch(String pipeline, List<SourceSpec> sources, Map<String, List<SourceState>> lastLoaded) {
        Map<String, SourceFetch> fetches = new LinkedHashMap<>();
        for (SourceSpec source : sources) {
            fetches.put(
                    source.name(),
                    new SourceFetch(
                            this, cache, pipeline, source, lastLoaded.getOrDefault(source.name(), List.of()), clock));
        }
        return new Fetch(fetches);
    }

    /**
     * Starts one file's download in the background, once one of {@code permits} is free.
     *
     * @param conditional the state to send If-None-Match / If-Modified-Since for, if any
     * @param lastLoaded  the state whose sha256 tells an identical body
     */
    BodyDownload start(
            SourceSpec source,
            PlannedFile planned,
            Semaphore permits,
            Optional<SourceState> conditional,
            Optional<SourceState> lastLoaded) {
        Path file;
        try {
            Files.createDirectories(tempDir);
            file = Files.createTempFile(tempDir, "sluice-" + source.name() + "-", ".csv");
        } catch (IOException e) {
            BodyDownload failed =
                    new BodyDownload(source.name(), source.format().syntax(), tempDir.resolve("unwritable"));
            failed.failed(new LocalStorageException(source.name(), "cannot create a temporary file in " + tempDir, e));
            return failed;
        }
        BodyDownload body = new BodyDownload(source.name(), source.format().syntax(), file);
        body.started(background.submit(() -> {
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                return; // discarded before it could start
            }
            try {
                downloadInto(source, planned, body, conditional, lastLoaded);
            } finally {
                permits.release();
            }
        }));
        return body;
    }

    private void downloadInto(
            SourceSpec source,
            PlannedFile planned,
            BodyDownload body,
            Optional<SourceState> conditional,
            Optional<SourceState> lastLoaded) {
        if (!body.begin()) {
            return;
        }
        try {
            String shownUrl = UrlRedactor.redact(planned.url());
            String scheme = planned.url().getScheme().toLowerCase(java.util.Locale.ROOT);
            body.completed(
                    switch (scheme) {
                        case "file" -> fromFile(source, planned, shownUrl, body, lastLoaded);
                        case "s3" -> fromServer(s3, source, planned, shownUrl, body, conditional, lastLoaded);
                        case "sftp" -> fromServer(sftp, source, planned, shownUrl, body, conditional, lastLoaded);
                        default -> fromServer(http, source, planned, shownUrl, body, conditional, lastLoaded);
                    });
        } catch (SluiceException e) {
            body.failed(e);
        } catch (RuntimeException e) {
            body.failed(new SluiceException(ErrorKind.INTERNAL, source.name() + ": download failed: " + e, e));
        } finally {
            body.end();
        }
    }

    private static AttemptObserver observer(BodyDownload body) {
        return new AttemptObserver() {
            @Override
            public void attemptStarted() {
                body.attemptStarted();
            }

            @Override
            public void copied(long bytes) {
                body.wrote(bytes);
            }
        };
    }

    private Download fromServer(
            RemoteFetcher server,
            SourceSpec source,
            PlannedFile planned,
            String shownUrl,
            BodyDownload body,
            Optional<SourceState> conditional,
            Optional<SourceState> lastLoaded) {
        Fetched fetched = server.fetch(source, planned.url(), shownUrl, conditional, body.file(), observer(body));
        return downloaded(source, planned, shownUrl, fetched, conditional, lastLoaded, clock.instant());
    }

    private static Download downloaded(
            SourceSpec source,
            PlannedFile planned,
            String shownUrl,
            Fetched fetched,
            Optional<SourceState> conditional,
            Optional<SourceState> lastLoaded,
            java.time.Instant at) {
        if (fetched instanceof Fetched.Received received) {
            return received(source, planned, shownUrl, received.body(), fetched.validators(), lastLoaded, at);
        }
        SourceState known = conditional.orElseThrow();
        return new Download(
                source.name(),
                planned.label(),
                shownUrl,
                known.bytes(),
                known.sha256(),
                fetched.validators(),
                Download.Freshness.NOT_MODIFIED,
                at);
    }

    private static Download received(
            SourceSpec source,
            PlannedFile planned,
            String shownUrl,
            BodyCopier.Copied body,
            Download.Validators validators,
            Optional<SourceState> lastLoaded,
            java.time.Instant at) {
        boolean same = lastLoaded.map(s -> s.sha256().equals(body.sha256())).orElse(false);
        return new Download(
                source.name(),
                planned.label(),
                shownUrl,
                body.bytes(),
                body.sha256(),
                validators,
                same ? Download.Freshness.SAME_BODY : Download.Freshness.CHANGED,
                at);
    }

    private Download fromFile(
            SourceSpec source,
            PlannedFile planned,
            String shownUrl,
            BodyDownload body,
            Optional<SourceState> lastLoaded) {
        Path path = Path.of(planned.url());
        // Checked at every read, not only when the pipeline file was: a link may have appeared since.
        source.location()
                .confinement()
                .flatMap(confinement -> confinement.refusal(path))
                .ifPresent(why -> {
                    throw SourceUnavailableException.lastingFailure(
                            source.name(), planned.name(source.name()) + ": refused: file " + why, null);
                });
        try (InputStream in = Files.newInputStream(path)) {
            body.attemptStarted();
            BodyCopier.Copied copied = BodyCopier.copy(
                    source.name(), in, body.file(), source.fetch().maxBytes(), body::wrote);
            BodySniffer.check(
                    source.name(), source.format().syntax(), copied.bytes(), copied.prefix(), copied.prefixLength());
            return received(source, planned, shownUrl, copied, Download.Validators.NONE, lastLoaded, clock.instant());
        } catch (NoSuchFileException e) {
            throw SourceUnavailableException.missing(
                    source.name(), planned.name(source.name()) + ": no such file " + path, e);
        } catch (IOException e) {
            throw SourceUnavailableException.lastingFailure(
                    source.name(), planned.name(source.name()) + ": cannot read " + path + ": " + e.getMessage(), e);
        }
    }
}
