package dev.sluice.load;

import java.util.List;

/**
 * What a load did to the target, counted exactly by comparing typed values.
 *
 * @param inserted       keys new to the target
 * @param updated        existing keys whose values changed
 * @param unchanged      existing keys whose values were equal (not rewritten)
 * @param changesLogged  changed rows recorded in the change log (at most the pipeline's limit)
 * @param warnings       what the cleaning rules changed or noticed
 */
public record LoadOutcome(long inserted, long updated, long unchanged, long changesLogged, List<String> warnings) {
    public LoadOutcome {
        warnings = List.copyOf(warnings);
    }
}
