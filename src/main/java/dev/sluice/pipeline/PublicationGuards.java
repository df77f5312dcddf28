package dev.sluice.pipeline;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.config.Guards;
import dev.sluice.config.Limit;
import dev.sluice.config.PipelineSpec;
import dev.sluice.extract.SourceState;
import dev.sluice.history.RowCounts;
import dev.sluice.transform.SourceReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pipeline's guards against a valid but wrong publication: checked on each source's rows once they are read
 * ({@code max_row_drop} against the last successful load, {@code min_rows}), and on the counts once the table is
 * merged ({@code max_changed}). A guard that trips fails the run; with {@code --force} it is overridden for that run,
 * which the run's warnings record.
 */
final class PublicationGuards {
    private final PipelineSpec spec;
    private final boolean forced;
    private final List<String> overridden = new ArrayList<>();

    PublicationGuards(PipelineSpec spec, RunRequest request) {
        this.spec = spec;
        this.forced = request.reload() == RunRequest.Reload.ALWAYS;
    }

    /** The guards {@code --force} overrode, as warnings of the run. */
    List<String> overridden() {
        return List.copyOf(overridden);
    }

    /** @param lastLoaded what the last successful load remembered of each source's files (their rows) */
    void checkRows(Map<String, SourceReport> reports, Map<String, List<SourceState>> lastLoaded) {
        Guards guards = spec.target().guards();
        for (SourceReport report : reports.values()) {
            long now = report.rowsKept();
            if (guards.minRows().isPresent() && now < guards.minRows().getAsLong()) {
                trip(
                        ErrorKind.ROW_COUNT_DROP,
                        report.source(),
                        String.format(
                                Locale.ROOT,
                                "%s: %,d rows, fewer than guards.min_rows (%,d)",
                                report.source(),
                                now,
                                guards.minRows().getAsLong()));
            }
            List<SourceState> last = lastLoaded.getOrDefault(report.source(), List.of());
            if (guards.maxRowDrop().isEmpty() || last.isEmpty()) {
                continue;
            }
            long before = last.stream().mapToLong(SourceState::rows).sum();
            Limit drop = guards.maxRowDrop().get();
            if (before - now > drop.of(before)) {
                trip(
                        ErrorKind.ROW_COUNT_DROP,
                        report.source(),
                        String.format(
                                Locale.ROOT,
                                "%s: %,d rows, %,d fewer than the %,d of the last successful load; guards.max_row_drop"
                                        + " allows %s",
                                report.source(),
                                now,
                                before - now,
                                before,
                                drop));
            }
        }
    }

    /** The share of the table a run may change: updated and deleted, of the rows it compared or removed. */
    void checkChanges(RowCounts rows) {
        if (spec.target().guards().maxChanged().isEmpty()) {
            return;
        }
        Limit limit = spec.target().guards().maxChanged().get();
        long changed = rows.updated() + rows.deleted();
        long existing = rows.updated() + rows.deleted() + rows.unchanged();
        if (changed > limit.of(existing)) {
            trip(
                    ErrorKind.TOO_MANY_CHANGES,
                    null,
                    String.format(
                            Locale.ROOT,
                            "%s: the run would update %,d and delete %,d of %,d existing rows; guards.max_changed"
                                    + " allows %s",
                            spec.target().table(),
                            rows.updated(),
                            rows.deleted(),
                            existing,
                            limit));
        }
    }

    private void trip(ErrorKind kind, String source, String message) {
        if (forced) {
            overridden.add("guard overridden by --force: " + message);
            return;
        }
        throw new SluiceException(kind, message, source, null, null, null, null);
    }
}
