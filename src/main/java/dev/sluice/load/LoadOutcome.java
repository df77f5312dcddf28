package dev.sluice.load;

import dev.sluice.history.Revisions;
import dev.sluice.history.RowCounts;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a load did to the target.
 *
 * @param rows          counted exactly by comparing typed values
 * @param changesLogged changed rows recorded in the change log (at most the pipeline's limit)
 * @param warnings      what the cleaning rules changed or noticed
 * @param revisions     what the publication rewrote of the rows the table had, when it rewrote any
 */
public record LoadOutcome(RowCounts rows, long changesLogged, List<String> warnings, Optional<Revisions> revisions) {
    public LoadOutcome {
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(revisions, "revisions");
    }

    /** A load that rewrote no existing row: an initial load, an append. */
    public LoadOutcome(RowCounts rows, long changesLogged, List<String> warnings) {
        this(rows, changesLogged, warnings, Optional.empty());
    }
}
