package dev.sluice.cli;

import dev.sluice.config.Guards;
import dev.sluice.config.TargetSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What a pipeline's mode does to its table, in words: {@code sluice check} says it before any run does it. */
final class ModeText {
    private ModeText() {}

    static String describe(TargetSpec target) {
        String what = switch (target.mode()) {
            case UPSERT -> "upsert: new keys inserted, changed rows updated; keys the source drops stay";
            case MIRROR ->
                target.deletes() == TargetSpec.Deletes.SOFT
                        ? "mirror: the table follows the latest publication; keys it no longer has keep their row with"
                                + " deleted_at set (cleared if they come back)"
                        : "mirror: the table becomes exactly the latest publication; keys it no longer has are deleted";
            case APPEND ->
                "append: every row of each new publication is added with its run_id; a file already"
                        + " appended (same sha256) never is again";
            case REPLACE -> "replace: every row is replaced by the publication's, in one transaction";
            case HISTORY ->
                "history: one row per version of a key, valid_from to valid_to (null: current), from "
                        + target.versionedBy().map(c -> "column " + c).orElse("the run's start")
                        + "; changed keys get a new version, keys gone are closed; the view " + target.table()
                        + "_current shows the current versions";
        };
        return what + "; schema changes: " + target.schemaPolicy().name().toLowerCase(Locale.ROOT)
                + guards(target.guards());
    }

    private static String guards(Guards guards) {
        List<String> parts = new ArrayList<>();
        guards.maxRowDrop().ifPresent(l -> parts.add("max_row_drop " + l));
        guards.minRows().ifPresent(n -> parts.add("min_rows " + n));
        guards.maxChanged().ifPresent(l -> parts.add("max_changed " + l));
        return parts.isEmpty() ? "; no guards" : "; guards: " + String.join(", ", parts);
    }
}
