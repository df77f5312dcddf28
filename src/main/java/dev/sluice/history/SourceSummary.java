package dev.sluice.history;

import java.util.List;

/**
 * One source of one run, as recorded and shown in {@code --json}. A source of several files sums them, and lists
 * each in {@code files}; a source of one file lists none.
 *
 * @param url         the URL fetched, credentials redacted; for several files, where they are (a list, a glob, a
 *                    template)
 * @param rows        rows kept (valid and matching the filters); 0 when not read
 * @param bytes       body size (of every file)
 * @param sha256      body hash; null for several files, which each have theirs
 * @param etag        the server's ETag, or null
 * @param notModified the server answered 304 (for every file)
 * @param files       the first files of a source of several, in the order read, at most {@link #FILES_KEPT}: a
 *                    source may read 10,000, and each run is recorded with its files
 * @param fileCount   how many files the source read, all of them
 */
public record SourceSummary(
        String url,
        long rows,
        long bytes,
        String sha256,
        String etag,
        boolean notModified,
        List<FileSummary> files,
        int fileCount) {
    /** Files a run's record lists of one source; its counts and sums are over all of them. */
    public static final int FILES_KEPT = 200;

    public SourceSummary {
        files = List.copyOf(files.size() > FILES_KEPT ? files.subList(0, FILES_KEPT) : files);
        fileCount = Math.max(fileCount, files.size());
    }

    /** A source of one file. */
    public SourceSummary(String url, long rows, long bytes, String sha256, String etag, boolean notModified) {
        this(url, rows, bytes, sha256, etag, notModified, List.of(), 0);
    }

    /** One file of a source of several. */
    public record FileSummary(
            String file, String url, long rows, long bytes, String sha256, String etag, boolean notModified) {}
}
