package dev.sluice.extract;

import dev.sluice.ErrorKind;
import dev.sluice.Sleeper;
import dev.sluice.config.FetchSettings;
import dev.sluice.config.SourceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches an {@code http:} or {@code https:} source with {@code java.net.http}: conditional GET, gzip, timeouts
 * (connect, response, and stalls in the body), a size limit, and retries with backoff on connection errors, 429
 * and 5xx. Redirects are followed (at most five, the JDK's limit) but never from https to http.
 */
final class HttpSourceFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(HttpSourceFetcher.class);
    /** The JDK client's default redirect limit (jdk.httpclient.redirects.retrylimit). */
    static final int MAX_REDIRECTS = 5;

    static final String USER_AGENT = "sluice/0.1 (+https://github.com/sluice-etl/sluice)";

    /** Told when an attempt starts writing the file anew, and how far it got: a reader may be following it. */
    interface AttemptObserver {
        AttemptObserver NONE = new AttemptObserver() {
            @Override
            public void attemptStarted() {}

            @Override
            public void copied(long bytes) {}
        };

        void attemptStarted();

        void copied(long bytes);
    }

    /** The outcome of a fetch: 304, or a body written to the file. */
    sealed interface Fetched permits NotModified, Received {
        Download.Validators validators();
    }

    /** The server answered 304 to the conditional GET: the body last loaded is still current. */
    record NotModified(Download.Validators validators) implements Fetched {}

    /** A body, written whole to the file. */
    record Received(Download.Validators validators, BodyCopier.Copied body) implements Fetched {}

    /** One attempt failed; whether and when to try again. */
    private static final class AttemptFailed extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean retryable;
        final transient Optional<Duration> retryAfter;

        AttemptFailed(String message, boolean retryable, Optional<Duration> retryAfter, Throwable cause) {
            super(message, cause);
            this.retryable = retryable;
            this.retryAfter = retryAfter;
        }
    }

    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final Clock clock;
    private final DownloadListener listener;

    HttpSourceFetcher(Sleeper sleeper, RandomGenerator random, Clock clock, DownloadListener listener) {
        this.sleeper = sleeper;
        this.random = random;
        this.clock = clock;
        this.listener = listener;
    }

    Fetched fetch(
            SourceSpec source,
            String shownUrl,
            Optional<SourceState> conditional,
            Path file,
            AttemptObserver observer) {
        FetchSettings settings = source.fetch();
        Backoff backoff = new Backoff(settings, random);
        for (int attempt = 1; ; attempt++) {
            try {
                return attempt(source, conditional, file, observer);
            } catch (AttemptFailed failed) {
                String message = source.name() + ": " + shownUrl + ": " + failed.getMessage();
                if (Thread.currentThread().isInterrupted()) {
                    // The run no longer wants this body (it failed, or is shutting down): stop, do not retry.
                    throw SourceUnavailableException.lastingFailure(
                            source.name(), source.name() + ": download cancelled", failed);
                }
                if (!failed.retryable || attempt >= settings.attempts()) {
                    String attempts = attempt > 1 ? " (after " + attempt + " attempts)" : "";
                    throw failed.retryable
                            ? SourceUnavailableException.transientFailure(
                                    source.name(), message + attempts, failed.getCause())
                            : SourceUnavailableException.lastingFailure(
                                    source.name(), message + attempts, failed.getCause());
                }
                if (failed.retryAfter.isPresent() && failed.retryAfter.get().compareTo(settings.maxRetryAfter()) > 0) {
                    throw SourceUnavailableException.transientFailure(
                            source.name(),
                            message + "; the server asked to retry after "
                                    + failed.retryAfter.get().toSeconds()
                                    + " s, longer than fetch.max_retry_after ("
                                    + settings.maxRetryAfter().toSeconds() + " s)",
                            failed.getCause());
                }
                Duration delay = backoff.delay(attempt, failed.retryAfter);
                LOG.warn(
                        "{}; retrying in {} ms (attempt {} of {})",
                        message,
                        delay.toMillis(),
                        attempt + 1,
                        settings.attempts());
                pause(source, delay);
            }
        }
    }

    private void pause(SourceSpec source, Duration delay) {
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SourceUnavailableException.lastingFailure(
                    source.name(), source.name() + ": interrupted while waiting to retry", e);
        }
    }

    private Fetched attempt(SourceSpec source, Optional<SourceState> conditional, Path file, AttemptObserver observer)
            throws AttemptFailed {
        FetchSettings settings = source.fetch();
        HttpRequest.Builder request = HttpRequest.newBuilder(source.url())
                .timeout(settings.readTimeout())
                // Over plain http the JDK would attempt an h2c upgrade, which some servers and proxies mishandle.
                .version(
                        source.url().getScheme().equalsIgnoreCase("http")
                                ? HttpClient.Version.HTTP_1_1
                                : HttpClient.Version.HTTP_2)
                .header("User-Agent", USER_AGENT)
                .header("Accept-Encoding", "gzip")
                .GET();
        conditional.ifPresent(state -> {
            state.etag().ifPresent(etag -> request.header("If-None-Match", etag));
            state.lastModified().ifPresent(date -> request.header("If-Modified-Since", date));
        });
        TimedBodyStream bodyStream = new TimedBodyStream(settings.readTimeout());
        HttpResponse<InputStream> response = send(client(settings), request.build(), bodyStream, settings);
        try (InputStream raw = response.body()) {
            return receive(source, conditional, file, response, raw, observer);
        } catch (TimedBodyStream.StalledException e) {
            throw new AttemptFailed("the body stalled: " + e.getMessage(), true, Optional.empty(), e);
        } catch (IOException e) {
            throw new AttemptFailed(
                    "the connection broke while reading the body: " + describe(e), true, Optional.empty(), e);
        }
    }

    private static HttpClient client(FetchSettings settings) {
        return HttpClients.forConnectTimeout(settings.connectTimeout());
    }

    private static HttpResponse<InputStream> send(
            HttpClient client, HttpRequest request, TimedBodyStream body, FetchSettings settings) throws AttemptFailed {
        try {
            return client.send(request, info -> body);
        } catch (HttpConnectTimeoutException e) {
            throw new AttemptFailed(
                    "could not connect within " + settings.connectTimeout().toSeconds() + " s",
                    true,
                    Optional.empty(),
                    e);
        } catch (HttpTimeoutException e) {
            throw new AttemptFailed(
                    "no response within " + settings.readTimeout().toSeconds() + " s", true, Optional.empty(), e);
        } catch (IOException e) {
            throw new AttemptFailed("connection failed: " + describe(e), true, Optional.empty(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AttemptFailed("interrupted", false, Optional.empty(), e);
        }
    }

    private Fetched receive(
            SourceSpec source,
            Optional<SourceState> conditional,
            Path file,
            HttpResponse<InputStream> response,
            InputStream raw,
            AttemptObserver observer)
            throws IOException, AttemptFailed {
        int status = response.statusCode();
        HttpHeaders headers = response.headers();
        Optional<String> etag = headers.firstValue("ETag");
        Optional<String> lastModified = headers.firstValue("Last-Modified");
        if (status == 304 && conditional.isPresent()) {
            return new NotModified(new Download.Validators(
                    etag.or(() -> conditional.get().etag()),
                    lastModified.or(() -> conditional.get().lastModified())));
        }
        if (status == 429 || status >= 500) {
            throw new AttemptFailed("HTTP " + status, true, retryAfter(headers), null);
        }
        if (status >= 300 && status < 400 && headers.firstValue("Location").isPresent()) {
            throw new AttemptFailed(
                    unfollowedRedirect(response, headers.firstValue("Location").get()), false, Optional.empty(), null);
        }
        if (status != 200) {
            throw new AttemptFailed("HTTP " + status + " (expected 200)", false, Optional.empty(), null);
        }
        String encoding =
                headers.firstValue("Content-Encoding").orElse("identity").trim().toLowerCase(Locale.ROOT);
        long announced = headers.firstValueAsLong("Content-Length").orElse(-1L);
        boolean identity = encoding.equals("identity");
        if (!identity && !encoding.equals("gzip")) {
            throw new AttemptFailed("unsupported Content-Encoding '" + encoding + "'", false, Optional.empty(), null);
        }
        if (identity && announced > source.fetch().maxBytes()) {
            throw new SourceRejectedException(
                    ErrorKind.TOO_LARGE,
                    source.name(),
                    source.name() + ": the body is " + announced + " bytes, over the limit of "
                            + source.fetch().maxBytes() + " (fetch.max_bytes)");
        }
        // Known before a byte of the body is read: a reader following the download must not parse it.
        BodySniffer.checkContentType(source.name(), headers.firstValue("Content-Type"));
        InputStream in = identity ? raw : new GZIPInputStream(raw, 1 << 16);
        long shownTotal = identity ? announced : -1;
        observer.attemptStarted();
        BodyCopier.Copied copied =
                BodyCopier.copy(source.name(), in, file, source.fetch().maxBytes(), bytes -> {
                    observer.copied(bytes);
                    listener.progress(source.name(), bytes, shownTotal);
                });
        if (identity && announced >= 0 && copied.bytes() != announced) {
            throw new AttemptFailed(
                    "the body was cut off: " + copied.bytes() + " of " + announced + " bytes",
                    true,
                    Optional.empty(),
                    null);
        }
        BodySniffer.check(source.name(), copied.bytes(), copied.prefix(), copied.prefixLength());
        return new Received(new Download.Validators(etag, lastModified), copied);
    }

    /**
     * The JDK client hands back a redirect it would not follow: one from https to http (the body would cross the
     * network unauthenticated), or one past its limit of {@value #MAX_REDIRECTS}.
     */
    private static String unfollowedRedirect(HttpResponse<?> response, String location) {
        URI target;
        try {
            target = response.uri().resolve(location);
        } catch (IllegalArgumentException e) {
            return "HTTP " + response.statusCode() + ": a redirect to an invalid location, not followed";
        }
        String why = "https".equalsIgnoreCase(response.uri().getScheme()) && "http".equalsIgnoreCase(target.getScheme())
                ? "a redirect from https to http is refused"
                : "more than " + MAX_REDIRECTS + " redirects";
        return "HTTP " + response.statusCode() + ": redirect to " + UrlRedactor.redact(target) + " not followed (" + why
                + ")";
    }

    /** Retry-After is either seconds or an HTTP date. */
    private Optional<Duration> retryAfter(HttpHeaders headers) {
        Optional<String> value = headers.firstValue("Retry-After").map(String::trim);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.get()))));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(clock.instant(), at.toInstant());
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException unparseable) {
                return Optional.empty();
            }
        }
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
