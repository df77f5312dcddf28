/**
 * Extract: fetch each source's body to a local file, with its sha256. Entry point:
 * {@link dev.sluice.extract.SourceDownloader}. HTTP(S) with conditional GET, gzip, timeouts, retries with
 * backoff and jitter, a size limit; {@code file:} URLs for local copies. Bodies that are not CSV (HTML, empty,
 * UTF-16) are rejected here, before anything parses them. {@link dev.sluice.extract.SourceStateRepository}
 * remembers what was last loaded; {@link dev.sluice.extract.SourceCache} keeps the last good bodies.
 */
package dev.sluice.extract;
