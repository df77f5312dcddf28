package dev.sluice.load;

import dev.sluice.history.RowCounts;
import java.util.List;

/**
 * What a load did to the target.
 *
 * @param rows          counted exactly by comparing typed values
 * @param changesLogged changed rows recorded in the change log (at most the pipeline's limit)
 * @param warnings      what the cleaning rules changed or noticed
 */
public record LoadOutcome(RowCounts rows, long changesLogged, List<String> warnings) {
    public LoadOutcome {
        warnings = List.copyOf(warnings);
    }
}
