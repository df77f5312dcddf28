/**
 * Extract: fetch each source's body, with its sha256. Entry point: {@link dev.sluice.extract.SourceFetcher#fetch},
 * which downloads every body in the background and hands the load a {@link dev.sluice.extract.SourceBody} to read
 * while it arrives (or from a finished file, or from the cache after a 304: that choice is made here, per source).
 * HTTP(S) with conditional GET, gzip, timeouts, retries with backoff and jitter, a size limit; {@code file:} URLs
 * for local copies. Bodies that are not CSV (HTML, empty, UTF-16) are rejected here, before anything parses them.
 * {@link dev.sluice.extract.SourceStateRepository} remembers what was last loaded; the
 * {@link dev.sluice.extract.SourceCache} keeps the last good bodies.
 */
package dev.sluice.extract;
