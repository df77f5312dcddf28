package dev.sluice.extract;

import dev.sluice.ErrorKind;
import dev.sluice.Excerpt;
import dev.sluice.Sleeper;
import dev.sluice.config.FetchSettings;
import dev.sluice.config.HttpCredentials;
import dev.sluice.config.SourceSpec;
import dev.sluice.config.Units;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches an {@code http:} or {@code https:} source with {@code java.net.http}: conditional GET, gzip, timeouts
 * (connect, response, stalls in the body, a minimum rate, and a deadline for the whole fetch), a size limit, and
 * retries with backoff on connection errors, 429 and 5xx. Redirects are followed here, one hop at a time, only where
 * the {@link AddressPolicy} lets them lead.
 */
final class HttpSourceFetcher implements RemoteFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(HttpSourceFetcher.class);

    static final String USER_AGENT = "sluice/0.1 (+https://github.com/sluice-etl/sluice)";

    /** One attempt failed; whether and when to try again. */
    private static final class AttemptFailed extends Exception {
        private static final long serialVersionUID = 1L;
        final SourceUnavailableException.Lasting lasting;
        final boolean retryable;
        final transient Optional<Duration> retryAfter;

        private AttemptFailed(
                String message,
                SourceUnavailableException.Lasting lasting,
                Optional<Duration> retryAfter,
                Throwable cause) {
            super(message, cause);
            this.lasting = lasting;
            this.retryable = lasting == SourceUnavailableException.Lasting.TRANSIENT;
            this.retryAfter = retryAfter;
        }

        /** Another attempt may succeed (a connection error, a 5xx), after {@code retryAfter} when the server said. */
        static AttemptFailed retryable(String message, Optional<Duration> retryAfter, Throwable cause) {
            return new AttemptFailed(message, SourceUnavailableException.Lasting.TRANSIENT, retryAfter, cause);
        }

        static AttemptFailed retryable(String message, Throwable cause) {
            return retryable(message, Optional.empty(), cause);
        }

        /** The same request will fail again (a 404, a refused redirect). */
        static AttemptFailed lasting(String message, Throwable cause) {
            return new AttemptFailed(message, SourceUnavailableException.Lasting.LASTING, Optional.empty(), cause);
        }

        /** The server says the file is not there: 404, 410. */
        static AttemptFailed missing(String message) {
            return new AttemptFailed(message, SourceUnavailableException.Lasting.MISSING, Optional.empty(), null);
        }
    }

    /** The fetch ran out of time: no attempt is left. */
    private static final class DeadlinePassed extends Exception {
        private static final long serialVersionUID = 1L;

        DeadlinePassed(Throwable cause) {
            super("deadline", cause);
        }
    }

    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final Clock clock;
    private final DownloadListener listener;
    private final AddressPolicy addresses;

    HttpSourceFetcher(
            Sleeper sleeper, RandomGenerator random, Clock clock, DownloadListener listener, AddressPolicy addresses) {
        this.sleeper = sleeper;
        this.random = random;
        this.clock = clock;
        this.listener = listener;
        this.addresses = addresses;
    }

    @Override
    public Fetched fetch(
            SourceSpec source,
            URI url,
            String shownUrl,
            Optional<SourceState> conditional,
            Path file,
            AttemptObserver observer) {
        FetchSettings settings = source.fetch();
        long deadline = System.nanoTime() + settings.deadline().toNanos();
        addresses.sourceRefusal(url).ifPresent(why -> {
            throw SourceUnavailableException.lastingFailure(
                    source.name(), source.name() + ": " + shownUrl + ": refused: " + why, null);
        });
        Backoff backoff = new Backoff(settings, random);
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return attempt(source, url, conditional, file, observer, deadline);
                } catch (AttemptFailed failed) {
                    Duration delay = afterFailure(source, shownUrl, failed, attempt, backoff);
                    if (System.nanoTime() + delay.toNanos() - deadline >= 0) {
                        throw new DeadlinePassed(failed);
                    }
                    Backoff.pause(sleeper, source.name(), delay);
                }
            }
        } catch (DeadlinePassed e) {
            Throwable last = e.getCause();
            throw SourceUnavailableException.lastingFailure(
                    source.name(),
                    source.name() + ": " + shownUrl + ": no body within fetch.deadline ("
                            + Units.format(settings.deadline()) + ")"
                            + (last instanceof AttemptFailed failed
                                    ? "; the last attempt: " + failed.getMessage()
                                    : ""),
                    last);
        }
    }

    /** After a failed attempt: the failure to end with, or how long to wait before the next attempt. */
    private Duration afterFailure(
            SourceSpec source, String shownUrl, AttemptFailed failed, int attempt, Backoff backoff) {
        FetchSettings settings = source.fetch();
        String message = source.name() + ": " + shownUrl + ": " + failed.getMessage();
        if (Thread.currentThread().isInterrupted()) {
            // The run no longer wants this body (it failed, or is shutting down): stop, do not retry.
            throw SourceUnavailableException.lastingFailure(
                    source.name(), source.name() + ": download cancelled", failed);
        }
        if (!failed.retryable || attempt >= settings.attempts()) {
            String attempts = attempt > 1 ? " (after " + attempt + " attempts)" : "";
            throw switch (failed.lasting) {
                case TRANSIENT ->
                    SourceUnavailableException.transientFailure(source.name(), message + attempts, failed.getCause());
                case LASTING ->
                    SourceUnavailableException.lastingFailure(source.name(), message + attempts, failed.getCause());
                case MISSING -> SourceUnavailableException.missing(source.name(), message, failed.getCause());
            };
        }
        if (failed.retryAfter.isPresent() && failed.retryAfter.get().compareTo(settings.maxRetryAfter()) > 0) {
            throw SourceUnavailableException.transientFailure(
                    source.name(),
                    message + "; the server asked to retry after "
                            + failed.retryAfter.get().toSeconds()
                            + " s, longer than fetch.max_retry_after ("
                            + settings.maxRetryAfter().toSeconds()
                            + " s)",
                    failed.getCause());
        }
        Duration delay = backoff.delay(attempt, failed.retryAfter);
        LOG.warn(
                "{}; retrying in {} ms (attempt {} of {})",
                message,
                delay.toMillis(),
                attempt + 1,
                settings.attempts());
        return delay;
    }

    /** One attempt: the request, and the redirects it leads to, until a body, a 304 or a failure. */
    private Fetched attempt(
            SourceSpec source,
            URI origin,
            Optional<SourceState> conditional,
            Path file,
            AttemptObserver observer,
            long deadline)
            throws AttemptFailed, DeadlinePassed {
        URI url = origin;
        for (int redirects = 0; ; redirects++) {
            TimedBodyStream body = new TimedBodyStream(
                    source.fetch().readTimeout(), deadline, source.fetch().minRate());
            HttpResponse<InputStream> response =
                    send(source, url, sameOrigin(origin, url), conditional, body, deadline);
            Optional<URI> next = redirect(origin, response, redirects);
            if (next.isPresent()) {
                body.close();
                url = next.get();
                continue;
            }
            try (InputStream raw = response.body()) {
                return receive(source, conditional, file, response, raw, observer);
            } catch (TimedBodyStream.DeadlineException e) {
                throw new DeadlinePassed(e);
            } catch (TimedBodyStream.StalledException e) {
                throw AttemptFailed.retryable("the body stalled: " + e.getMessage(), e);
            } catch (TimedBodyStream.TooSlowException e) {
                throw AttemptFailed.retryable("the body arrived too slowly: " + e.getMessage(), e);
            } catch (IOException e) {
                throw AttemptFailed.retryable("the connection broke while reading the body: " + describe(e), e);
            }
        }
    }

    /** Where a 3xx response leads, when it does and the policy allows it; a refused redirect fails the attempt. */
    private Optional<URI> redirect(URI origin, HttpResponse<?> response, int redirectsSoFar) throws AttemptFailed {
        int status = response.statusCode();
        Optional<String> location = response.headers().firstValue("Location");
        if (status < 300 || status >= 400 || status == 304 || location.isEmpty()) {
            return Optional.empty();
        }
        URI target;
        try {
            target = response.uri().resolve(location.get().trim());
        } catch (IllegalArgumentException e) {
            throw AttemptFailed.lasting("HTTP " + status + ": a redirect to an invalid location, not followed", null);
        }
        Optional<String> refusal = addresses.redirectRefusal(origin, response.uri(), target, redirectsSoFar);
        if (refusal.isPresent()) {
            throw AttemptFailed.lasting(
                    "HTTP " + status + ": redirect to " + UrlRedactor.redact(target) + " not followed (" + refusal.get()
                            + ")",
                    null);
        }
        LOG.debug("following a redirect to {}", UrlRedactor.redact(target));
        return Optional.of(target);
    }

    /**
     * Whether a redirect stays at the source's origin (scheme, host, port), where its credentials may go: a redirect
     * elsewhere, a CDN or an object store's signed URL, is followed without them.
     */
    static boolean sameOrigin(URI origin, URI url) {
        return origin.getScheme().equalsIgnoreCase(url.getScheme())
                && origin.getHost() != null
                && origin.getHost().equalsIgnoreCase(url.getHost())
                && port(origin) == port(url);
    }

    private static int port(URI url) {
        return url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    private HttpResponse<InputStream> send(
            SourceSpec source,
            URI url,
            boolean withCredentials,
            Optional<SourceState> conditional,
            TimedBodyStream body,
            long deadline)
            throws AttemptFailed, DeadlinePassed {
        FetchSettings settings = source.fetch();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new DeadlinePassed(null);
        }
        boolean deadlineFirst = left < settings.readTimeout().toNanos();
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(deadlineFirst ? Duration.ofNanos(left) : settings.readTimeout())
                // Over plain http the JDK would attempt an h2c upgrade, which some servers and proxies mishandle.
                .version(
                        url.getScheme().equalsIgnoreCase("http")
                                ? HttpClient.Version.HTTP_1_1
                                : HttpClient.Version.HTTP_2)
                .header("User-Agent", USER_AGENT)
                .header("Accept-Encoding", "gzip")
                .GET();
        if (withCredentials) {
            if (source.credentials() instanceof HttpCredentials http) {
                http.headers().forEach(h -> request.header(h.name(), h.value().reveal()));
            }
        }
        conditional.ifPresent(state -> {
            state.etag().ifPresent(etag -> request.header("If-None-Match", etag));
            state.lastModified().ifPresent(date -> request.header("If-Modified-Since", date));
        });
        try {
            return HttpClients.forConnectTimeout(settings.connectTimeout()).send(request.build(), info -> body);
        } catch (HttpConnectTimeoutException e) {
            throw AttemptFailed.retryable(
                    "could not connect within " + settings.connectTimeout().toSeconds() + " s", e);
        } catch (HttpTimeoutException e) {
            if (deadlineFirst) {
                throw new DeadlinePassed(e);
            }
            throw AttemptFailed.retryable(
                    "no response within " + settings.readTimeout().toSeconds() + " s", e);
        } catch (IOException e) {
            throw AttemptFailed.retryable("connection failed: " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AttemptFailed.lasting("interrupted", e);
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
            return new Fetched.NotModified(new Download.Validators(
                    etag.or(() -> conditional.get().etag()),
                    lastModified.or(() -> conditional.get().lastModified())));
        }
        if (status == 429 || status >= 500) {
            throw AttemptFailed.retryable("HTTP " + status, retryAfter(headers), null);
        }
        if (status == 404 || status == 410) {
            throw AttemptFailed.missing("HTTP " + status + " (not found)");
        }
        if ((status == 401 || status == 403) && !source.credentials().isEmpty()) {
            // The names of what was sent, never the values: the usual cause is an expired or rotated secret.
            throw AttemptFailed.lasting(
                    "HTTP " + status + " (the server refused the credentials sent as "
                            + String.join(", ", source.credentials().names()) + ")",
                    null);
        }
        if (status == 401 || status == 403) {
            throw AttemptFailed.lasting(
                    "HTTP " + status + " (the server asks for credentials: headers: or auth: on the source)", null);
        }
        if (status != 200) {
            throw AttemptFailed.lasting("HTTP " + status + " (expected 200)", null);
        }
        String encoding =
                headers.firstValue("Content-Encoding").orElse("identity").trim().toLowerCase(Locale.ROOT);
        long announced = headers.firstValueAsLong("Content-Length").orElse(-1L);
        boolean identity = encoding.equals("identity");
        if (!identity && !encoding.equals("gzip")) {
            throw AttemptFailed.lasting("unsupported Content-Encoding '" + Excerpt.of(encoding, 40) + "'", null);
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
        Unpacking.Counted packed = new Unpacking.Counted(raw);
        Unpacking.GzipText text;
        try {
            text = identity ? null : new Unpacking.GzipText(packed);
        } catch (java.util.zip.ZipException e) {
            throw notGzip(source, packed, e);
        }
        InputStream in = identity ? raw : text;
        long shownTotal = identity ? announced : -1;
        observer.attemptStarted();
        FetchSettings settings = source.fetch();
        BodyCopier.Copied copied;
        try {
            copied = copy(source, in, file, identity, packed, text, observer, shownTotal);
        } catch (java.util.zip.ZipException e) {
            throw notGzip(source, packed, e);
        }
        if (identity && announced >= 0 && copied.bytes() != announced) {
            throw AttemptFailed.retryable(
                    "the body was cut off: " + copied.bytes() + " of " + announced + " bytes", null);
        }
        BodySniffer.check(
                source.name(), source.format().syntax(), copied.bytes(), copied.prefix(), copied.prefixLength());
        return new Fetched.Received(new Download.Validators(etag, lastModified), copied);
    }

    /**
     * A body labelled {@code Content-Encoding: gzip} that is not gzip: the server's mistake, which another attempt
     * repeats, so the run fails at once as {@code NOT_CSV}; a connection that broke under it is still retried.
     */
    private static IOException notGzip(SourceSpec source, Unpacking.Counted packed, java.util.zip.ZipException e) {
        if (packed.failure != null) {
            return packed.failure;
        }
        throw new SourceRejectedException(
                ErrorKind.NOT_CSV,
                source.name(),
                source.name() + ": the response says Content-Encoding: gzip, but its body is not gzip ("
                        + e.getMessage() + ")");
    }

    private BodyCopier.Copied copy(
            SourceSpec source,
            InputStream in,
            Path file,
            boolean identity,
            Unpacking.Counted packed,
            Unpacking.GzipText text,
            AttemptObserver observer,
            long shownTotal)
            throws IOException {
        FetchSettings settings = source.fetch();
        return BodyCopier.copy(source.name(), in, file, settings.maxBytes(), bytes -> {
            if (!identity) {
                // Content-Encoding: gzip is unpacked as it arrives: a bomb fails as early as a packed file's would.
                Unpacking.checkBounds(
                        source.name(),
                        source.name(),
                        "Content-Encoding gzip",
                        bytes,
                        packed.bytes - text.unconsumed(),
                        settings.maxBytes(),
                        settings.maxRatio());
            }
            observer.copied(bytes);
            listener.progress(source.name(), bytes, shownTotal);
        });
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
