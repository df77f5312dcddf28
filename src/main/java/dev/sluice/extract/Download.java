package dev.sluice.extract;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One source's body for this run.
 *
 * @param source        the source's name
 * @param url           the URL fetched, with credentials and secret-looking query values redacted
 * @param body          a local file holding the whole body, or empty when the source is unchanged and its body
 *                      was not needed (see {@link SourceDownloader#resolveBodies})
 * @param bytes         body length
 * @param sha256        hex sha256 of the body
 * @param etag          the ETag the server sent, if any
 * @param lastModified  the Last-Modified the server sent, if any
 * @param notModified   the server answered 304 to a conditional GET
 * @param unchanged     the body is the one of the last successful run (304, or the same sha256)
 * @param temporary     whether {@code body} is a temporary file this run must delete
 */
public record Download(String source, String url, Optional<Path> body, long bytes, String sha256,
                       Optional<String> etag, Optional<String> lastModified, boolean notModified, boolean unchanged,
                       boolean temporary) {

    Download withBody(Path cached) {
        return new Download(source, url, Optional.of(cached), bytes, sha256, etag, lastModified, notModified,
                unchanged, false);
    }
}
