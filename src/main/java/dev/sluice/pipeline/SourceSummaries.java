package dev.sluice.pipeline;

import dev.sluice.extract.Download;
import dev.sluice.extract.SourceState;
import dev.sluice.history.SourceSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the per-source part of a run record from what extract and transform learned. */
final class SourceSummaries {
    private SourceSummaries() {}

    /**
     * @param rows rows kept per source in this run; sources not read again report their remembered count
     */
    static Map<String, SourceSummary> of(
            List<Download> downloads, Map<String, Long> rows, Map<String, SourceState> states) {
        Map<String, SourceSummary> summaries = new LinkedHashMap<>();
        for (Download d : downloads) {
            long count = rows.containsKey(d.source())
                    ? rows.get(d.source())
                    : states.containsKey(d.source()) && d.unchanged()
                            ? states.get(d.source()).rows()
                            : 0;
            summaries.put(
                    d.source(),
                    new SourceSummary(
                            d.url(),
                            count,
                            d.bytes(),
                            d.sha256(),
                            d.validators().etag().orElse(null),
                            d.notModified()));
        }
        return summaries;
    }
}
