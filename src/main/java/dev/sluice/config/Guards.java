package dev.sluice.config;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Checks against a publication that is valid but wrong: a source with far fewer rows than at the last successful
 * load (cut in half upstream), too few rows at all, or a share of the table changed that a feed which should only
 * grow never changes. A run that fails one fails as a whole, naming the guard; {@code --force} overrides them for
 * one run, which the run records.
 *
 * @param maxRowDrop  how many fewer rows a source may have than at the last successful load
 * @param minRows     the fewest rows a source may have
 * @param maxChanged  how many of the table's rows a run may update or delete
 */
public record Guards(Optional<Limit> maxRowDrop, OptionalLong minRows, Optional<Limit> maxChanged) {
    public Guards {
        Objects.requireNonNull(maxRowDrop, "maxRowDrop");
        Objects.requireNonNull(minRows, "minRows");
        Objects.requireNonNull(maxChanged, "maxChanged");
    }

    /** The default of a mode: a 10% drop for the modes that delete what a publication lacks, else none. */
    public static Guards defaultsFor(LoadMode mode) {
        return new Guards(
                mode.removesMissingKeys() ? Optional.of(Limit.share(0.10)) : Optional.empty(),
                OptionalLong.empty(),
                Optional.empty());
    }
}
