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
 */
public record Download(
        String source, String file, String url, long bytes, String sha256, Validators validators, Freshness freshness) {

    /** How a body compares with the one last loaded. */
    public enum Freshness {
        /** Another body, or the first one. */
        CHANGED,
        /** Downloaded again, byte for byte the one last loaded (same sha256). */
        SAME_BODY,
        /** The server answered 304 to the conditional GET: not downloaded at all. */
        NOT_MODIFIED
    }

    /** The HTTP cache validators a server sent, for the next conditional GET. */
    public record Validators(Optional<String> etag, Optional<String> lastModified) {
        public static final Validators NONE = new Validators(Optional.empty(), Optional.empty());

        public Validators {
            Objects.requireNonNull(etag, "etag");
            Objects.requireNonNull(lastModified, "lastModified");
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
