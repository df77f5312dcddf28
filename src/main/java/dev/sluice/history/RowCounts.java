package dev.sluice.history;

/**
 * What a run did to its target's rows, counted exactly by comparing typed values, per key.
 *
 * @param inserted  keys new to the target (in append mode, rows added)
 * @param updated   existing keys whose values changed (rewritten; in history mode, given a new version)
 * @param deleted   keys the publication no longer has, deleted (or marked deleted, or closed) by the mode
 * @param unchanged existing keys whose values were equal (not rewritten)
 */
public record RowCounts(long inserted, long updated, long deleted, long unchanged) {
    public static final RowCounts NONE = new RowCounts(0, 0, 0, 0);

    public RowCounts {
        if (inserted < 0 || updated < 0 || deleted < 0 || unchanged < 0) {
            throw new IllegalArgumentException(
                    "counts are never negative: " + inserted + ", " + updated + ", " + deleted + ", " + unchanged);
        }
    }

    /** {@code 1 inserted, 226 updated, 53 unchanged}, with {@code N deleted} before unchanged when there are some. */
    public String describe() {
        return deleted == 0
                ? String.format(
                        java.util.Locale.ROOT, "%,d inserted, %,d updated, %,d unchanged", inserted, updated, unchanged)
                : String.format(
                        java.util.Locale.ROOT,
                        "%,d inserted, %,d updated, %,d deleted, %,d unchanged",
                        inserted,
                        updated,
                        deleted,
                        unchanged);
    }

    /** Rows written: inserted, updated and deleted. */
    public long changed() {
        return inserted + updated + deleted;
    }
}
