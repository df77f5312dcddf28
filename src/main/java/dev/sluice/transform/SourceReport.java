package dev.sluice.transform;

import java.util.List;

/**
 * What reading one source found.
 *
 * @param source       the source's name
 * @param rowsRead     data rows in the file (the header excluded)
 * @param rowsKept     rows that passed the filters and were valid: the rows staged
 * @param rowsFiltered rows the filters left out (never validated)
 * @param rowsInvalid  rows left out because of a problem (with {@code SKIP}); with {@code FAIL_RUN} the run fails
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
        List<RowProblem> problems,
        long problemCount,
        List<String> warnings) {
    public SourceReport {
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
    }
}
