package dev.sluice.extract;

import java.util.Objects;
import java.util.Optional;

/**
 * What fetching one source's body found: enough to record it, to remember it for the next conditional GET, and to
 * tell whether it is the body last loaded.
 *
 * @param source     the source's name
 * @param file       which of the source's files, for a source of several; null for a source of one file
 * @param url        the URL fetched, with credentials and secret-looking query values redacted
 * @param bytes      body length
 * @param sha256     hex sha256 of the body
 * @param validators what the server said to send back next time
 * @param freshness  how the body compares with the one last loaded
 * @param finishedAt when it was downloaded whole (or found not modified): where its fetch's span ends
 */
public record Download(
        String source,
        String file,
        String url,
        long bytes,
        String sha256,
        Validators validators,
        Freshness freshness,
        java.time.Instant finishedAt) {

    /** How a body compares with the one last loaded. */
    public enum Freshness {
        /** Another body, or the first one. */
        CHANGED,
        /** Downloaded again, byte for byte the one last loaded (same sha256). */
        SAME_BODY,
        /** The server answered 304 to the conditional GET: not downloaded at all. */
        NOT_MODIFIED
    }

    /**
     * The HTTP cache validators a server sent, for the next conditional GET. A source controls them, so they are
     * bounded: an ETag longer than {@link #MAX_ETAG} characters or a Last-Modified longer than
     * {@link #MAX_LAST_MODIFIED} is no real one (RFC 9110 gives no limit; servers send tens of characters), and is
     * dropped, said in the log, rather than kept in the run record and sent back.
     */
    public record Validators(Optional<String> etag, Optional<String> lastModified) {
        public static final int MAX_ETAG = 512;
        public static final int MAX_LAST_MODIFIED = 64;
        public static final Validators NONE = new Validators(Optional.empty(), Optional.empty());

        public Validators {
            Objects.requireNonNull(etag, "etag");
            Objects.requireNonNull(lastModified, "lastModified");
            etag = bounded("ETag", etag, MAX_ETAG);
            lastModified = bounded("Last-Modified", lastModified, MAX_LAST_MODIFIED);
        }

        private static Optional<String> bounded(String header, Optional<String> value, int max) {
            if (value.isPresent() && value.get().length() > max) {
                org.slf4j.LoggerFactory.getLogger(Download.class)
                        .warn(
                                "a {} of {} characters is longer than any real one ({} at most): not kept, and the"
                                        + " next download is not conditional on it",
                                header,
                                value.get().length(),
                                max);
                return Optional.empty();
            }
            return value;
        }

        public boolean any() {
            return etag.isPresent() || lastModified.isPresent();
        }
    }

    public Download {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(validators, "validators");
        Objects.requireNonNull(freshness, "freshness");
    }

    /** Whether the body is the one last loaded, downloaded again or not. */
    public boolean unchanged() {
        return freshness != Freshness.CHANGED;
    }

    public boolean notModified() {
        return freshness == Freshness.NOT_MODIFIED;
    }
}
