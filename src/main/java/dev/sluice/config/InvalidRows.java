package dev.sluice.config;

import java.util.Objects;

/**
 * What a run does with rows that have an invalid value.
 *
 * @param policy      fail the run, skip them, or quarantine them
 * @param maxProblems how many problems a run collects and reports before it only counts them
 * @param maxInvalid  with {@code quarantine}: how many invalid rows a source may have (a count, or a share of its
 *                    rows) before the run fails as it would without quarantine
 * @param keptRuns    with {@code quarantine}: the rejected rows of this many latest runs are kept
 */
public record InvalidRows(InvalidRowPolicy policy, int maxProblems, Limit maxInvalid, int keptRuns) {
    public static final Limit DEFAULT_MAX_INVALID = Limit.share(0.01);
    public static final int DEFAULT_KEPT_RUNS = 30;

    public InvalidRows {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(maxInvalid, "maxInvalid");
    }
}
