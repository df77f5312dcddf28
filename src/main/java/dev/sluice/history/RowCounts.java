package dev.sluice.history;

/**
 * What a run did to its target's rows, counted exactly by comparing typed values, per key.
 *
 * @param inserted  keys new to the target
 * @param updated   existing keys whose values changed (rewritten)
 * @param unchanged existing keys whose values were equal (not rewritten)
 */
public record RowCounts(long inserted, long updated, long unchanged) {
    public static final RowCounts NONE = new RowCounts(0, 0, 0);

    public RowCounts {
        if (inserted < 0 || updated < 0 || unchanged < 0) {
            throw new IllegalArgumentException(
                    "counts are never negative: " + inserted + ", " + updated + ", " + unchanged);
        }
    }

    /** Rows written: inserted and updated. */
    public long changed() {
        return inserted + updated;
    }
}
