package dev.sluice.load;

/**
 * How the rows of a load reach the target, chosen once per load by {@link TargetLoader#begin} from the target's
 * state and the pipeline's shape: {@link CopyIntoTarget} when there is nothing to compare with, {@link AppendRows}
 * for an append table, {@link ReplaceUnkeyed} for a replace table without a key, else {@link StageAndMerge}. Each plan stages sources and then finishes, inside the load's transaction.
 */
sealed interface LoadPlan permits CopyIntoTarget, StageAndMerge, AppendRows, ReplaceUnkeyed {

    /** Streams one source's rows, from its files; {@code fill} writes them and may be asked to once more. */
    <T> T stage(dev.sluice.config.SourceSpec source, RowPositions files, Load.Fill<T> fill);

    /**
     * Checks what is left to check and writes the target; the counts are exact.
     *
     * @param publications the sha256 of each file read, for an append table
     */
    LoadOutcome finish(Publications publications);

    /** After the load committed: what it keeps for the next load (its publication's digest) is kept. */
    default void keep() {}
}
