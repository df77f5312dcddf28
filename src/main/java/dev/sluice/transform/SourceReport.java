package dev.sluice.transform;

import java.util.List;

/**
 * What reading one source found.
 *
 * @param source       the source's name
 * @param rowsRead     data rows in its files (headers excluded)
 * @param rowsKept     rows that passed the filters and were valid: the rows staged
 * @param rowsFiltered rows the filters left out (never validated)
 * @param rowsInvalid  rows left out because of a problem (with {@code SKIP}); with {@code FAIL_RUN} the run fails
 * @param files        the rows of each file, in the order read
 * @param problems     the first problems, up to the pipeline's {@code max_problems}
 * @param problemCount every problem, counted even past the cap
 * @param warnings     human-readable warnings
 */
public record SourceReport(
        String source,
        long rowsRead,
        long rowsKept,
        long rowsFiltered,
        long rowsInvalid,
        List<FileRows> files,
        List<RowProblem> problems,
        long problemCount,
        List<String> warnings) {
    public SourceReport {
        files = List.copyOf(files);
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
    }

    /**
     * The rows one file had, and kept.
     *
     * @param header the file's header names, stripped, as {@link #bounded} keeps them; empty without a header
     */
    public record FileRows(String label, long read, long kept, List<String> header) {
        /** The most header names kept, each cut to {@link #NAME_CHARS}: a source controls its header. */
        public static final int MAX_NAMES = 2_000;

        public static final int NAME_CHARS = 200;

        public FileRows {
            header = List.copyOf(header);
        }

        /** A header as a report keeps it: at most {@link #MAX_NAMES} names of at most {@link #NAME_CHARS}. */
        public static List<String> bounded(List<String> header) {
            if (header == null) {
                return List.of();
            }
            return header.stream()
                    .limit(MAX_NAMES)
                    .map(String::strip)
                    .map(name -> name.length() > NAME_CHARS ? name.substring(0, NAME_CHARS) : name)
                    .toList();
        }
    }
}
