package dev.sluice.pipeline;

import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SourceSpec;
import dev.sluice.extract.Download;
import dev.sluice.extract.SourceState;
import dev.sluice.extract.UrlRedactor;
import dev.sluice.history.SourceSummary;
import dev.sluice.transform.SourceReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToLongFunction;

/** Builds the per-source part of a run record from what extract and transform learned. */
final class SourceSummaries {
    private SourceSummaries() {}

    /**
     * The rows of each file: kept in this run when it was read, else (a file not read again because it is
     * unchanged) the count remembered of it.
     */
    static ToLongFunction<Download> rows(Map<String, SourceReport> reports, Map<String, List<SourceState>> states) {
        return d -> {
            SourceReport report = reports.get(d.source());
            if (report != null) {
                return report.files().stream()
                        .filter(f -> Objects.equals(f.label(), d.file()))
                        .mapToLong(SourceReport.FileRows::kept)
                        .findFirst()
                        .orElse(0);
            }
            if (!d.unchanged()) {
                return 0;
            }
            return states.getOrDefault(d.source(), List.of()).stream()
                    .filter(s -> s.url().equals(d.url()))
                    .mapToLong(SourceState::rows)
                    .findFirst()
                    .orElse(0);
        };
    }

    /** Each source's summary: one file as it is, several summed with each listed. */
    static Map<String, SourceSummary> of(PipelineSpec spec, List<Download> downloads, ToLongFunction<Download> rows) {
        Map<String, List<Download>> bySource = new LinkedHashMap<>();
        downloads.forEach(d ->
                bySource.computeIfAbsent(d.source(), s -> new ArrayList<>()).add(d));
        Map<String, SourceSummary> summaries = new LinkedHashMap<>();
        bySource.forEach((source, files) -> {
            Download first = files.get(0);
            if (files.size() == 1 && first.file() == null) {
                summaries.put(
                        source,
                        new SourceSummary(
                                first.url(),
                                rows.applyAsLong(first),
                                first.bytes(),
                                first.sha256(),
                                first.validators().etag().orElse(null),
                                first.notModified()));
                return;
            }
            List<SourceSummary.FileSummary> each = files.stream()
                    .map(d -> new SourceSummary.FileSummary(
                            d.file(),
                            d.url(),
                            rows.applyAsLong(d),
                            d.bytes(),
                            d.sha256(),
                            d.validators().etag().orElse(null),
                            d.notModified()))
                    .toList();
            summaries.put(
                    source,
                    new SourceSummary(
                            spec.source(source)
                                    .map(SourceSpec::location)
                                    .map(l -> UrlRedactor.redactText(l.describe()))
                                    .orElse(first.url()),
                            each.stream()
                                    .mapToLong(SourceSummary.FileSummary::rows)
                                    .sum(),
                            each.stream()
                                    .mapToLong(SourceSummary.FileSummary::bytes)
                                    .sum(),
                            null,
                            null,
                            each.stream().allMatch(SourceSummary.FileSummary::notModified),
                            each));
        });
        return summaries;
    }
}
