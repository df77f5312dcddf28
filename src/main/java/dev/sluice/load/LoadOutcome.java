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
 * @param comparison    how the publication was compared with the table, and why not with the last one's digest
 */
public record LoadOutcome(
        RowCounts rows, long changesLogged, List<String> warnings, Optional<Revisions> revisions, String comparison) {
    public LoadOutcome {
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(revisions, "revisions");
        Objects.requireNonNull(comparison, "comparison");
    }

    LoadOutcome(RowCounts rows, long changesLogged, List<String> warnings, Optional<Revisions> revisions) {
        this(rows, changesLogged, warnings, revisions, "");
    }

    /** A load that rewrote no existing row: an initial load, an append. */
    public LoadOutcome(RowCounts rows, long changesLogged, List<String> warnings) {
        this(rows, changesLogged, warnings, Optional.empty());
    }

    /** The same outcome, saying how the publication was compared. */
    LoadOutcome comparedAs(String how) {
        return new LoadOutcome(rows, changesLogged, warnings, revisions, how);
    }
}
