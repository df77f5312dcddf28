package dev.sluice.pipeline;

import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SourceSpec;
import dev.sluice.extract.Download;
import dev.sluice.extract.SourceState;
import dev.sluice.extract.UrlRedactor;
import dev.sluice.history.SourceSummary;
import dev.sluice.transform.SourceReport;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
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
            if (reports.containsKey(d.source())) {
                return fileRead(reports, d).map(SourceReport.FileRows::kept).orElse(0L);
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

    /** The header each file had in this run, where it was read; else empty, keeping the one remembered. */
    static Function<Download, List<String>> headers(Map<String, SourceReport> reports) {
        return d -> fileRead(reports, d).map(SourceReport.FileRows::header).orElse(List.of());
    }

    private static Optional<SourceReport.FileRows> fileRead(Map<String, SourceReport> reports, Download d) {
        SourceReport report = reports.get(d.source());
        return report == null
                ? Optional.empty()
                : report.files().stream()
                        .filter(f -> Objects.equals(f.label(), d.file()))
                        .findFirst();
    }

    /**
     * Columns that appeared in a file's header since the last load and that the pipeline does not load: said by the
     * run that first sees them, once (the header it read is then the one remembered).
     */
    static List<String> newColumns(
            PipelineSpec spec,
            Map<String, SourceReport> reports,
            List<Download> downloads,
            Map<String, List<SourceState>> states) {
        List<String> warnings = new ArrayList<>();
        for (Download d : downloads) {
            Optional<SourceSpec> source = spec.source(d.source());
            Optional<SourceReport.FileRows> read = fileRead(reports, d);
            Optional<SourceState> before = states.getOrDefault(d.source(), List.of()).stream()
                    .filter(s -> s.url().equals(d.url()))
                    .findFirst();
            if (source.isEmpty()
                    || read.isEmpty()
                    || before.isEmpty()
                    || before.get().header().isEmpty()) {
                continue;
            }
            Set<String> known = new HashSet<>(before.get().header());
            source.get().columns().forEach(c -> known.add(c.header()));
            source.get().filters().forEach(f -> known.add(f.header()));
            List<String> added = read.get().header().stream()
                    .filter(h -> !h.isEmpty() && !known.contains(h))
                    .distinct()
                    .toList();
            if (!added.isEmpty()) {
                warnings.add(d.source() + (d.file() == null ? "" : " " + d.file()) + ": new in the header, not"
                        + " loaded: "
                        + String.join(
                                ", ",
                                added.stream().limit(20).map(h -> "'" + h + "'").toList())
                        + (added.size() > 20 ? String.format(Locale.ROOT, " (%,d in all)", added.size()) : "")
                        + " (add to columns: to load)");
            }
        }
        return warnings;
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
                            each,
                            each.size()));
        });
        return summaries;
    }
}
