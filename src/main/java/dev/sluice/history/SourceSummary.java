package dev.sluice.history;

/**
 * One source of one run, as recorded and shown in {@code --json}.
 *
 * @param url         the URL fetched, credentials redacted
 * @param rows        rows kept (valid and matching the filters); 0 when not read
 * @param bytes       body size
 * @param sha256      body hash
 * @param etag        the server's ETag, or null
 * @param notModified the server answered 304
 */
public record SourceSummary(String url, long rows, long bytes, String sha256, String etag, boolean notModified) {}
