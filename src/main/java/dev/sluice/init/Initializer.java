package dev.sluice.init;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.config.CsvFormat;
import dev.sluice.config.FetchSettings;
import dev.sluice.config.SourceLocation;
import dev.sluice.config.SourceSpec;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.extract.Fetch;
import dev.sluice.extract.SourceFetcher;
import dev.sluice.extract.SourceFile;
import dev.sluice.extract.UrlRedactor;
import dev.sluice.transform.ColumnGuesser;
import dev.sluice.transform.CsvSniffer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code sluice init}: reads a file (a bounded prefix of a large one) from where a run would, guesses how it is
 * written, each column's type and the smallest key, and writes a pipeline file that {@code sluice check} accepts and
 * {@code sluice run} loads as it is. Several files are one source: they must share a header. Asks nothing: what it
 * could not decide stays text, and the file says so.
 */
public final class Initializer {
    /** Bytes of each file read, at most: enough rows to guess from, a bounded wait for a large file. */
    static final int SAMPLE_BYTES = 16 << 20;

    private static final int MAX_TOTAL_BYTES = 64 << 20;
    private static final String SAMPLE = "sample";

    private final SourceFetcher fetcher;

    public Initializer(SourceFetcher fetcher) {
        this.fetcher = fetcher;
    }

    /**
     * @param locations URLs ({@code https:}, {@code http:}, {@code s3:}, {@code file:}) or local paths, one source
     * @param name      the pipeline's name; empty to derive it from the first file's name
     * @param directory where the pipeline file goes: local files inside it are written relative to it
     */
    public record Request(List<String> locations, Optional<String> name, Path directory) {
        public Request {
            locations = List.copyOf(locations);
        }
    }

    /**
     * What was guessed.
     *
     * @param yaml      the pipeline file
     * @param reasons   what was guessed and why, one line each, to show
     * @param keyUnique whether the key is unique over the rows read; when not, a run fails until it is fixed
     */
    public record Result(String yaml, List<String> reasons, boolean keyUnique) {}

    public Result initialize(Request request) {
        if (request.locations().isEmpty()) {
            throw new SluiceException(ErrorKind.CONFIG, "sluice init needs the URL or path of a CSV file");
        }
        List<URI> urls = request.locations().stream().map(Initializer::toUri).toList();
        List<Sample> samples = sample(urls);
        List<String> reasons = new ArrayList<>();
        CsvSniffer.Sniffed first =
                CsvSniffer.sniff(samples.get(0).bytes(), samples.get(0).truncated());
        reasons.addAll(first.reasons());
        List<String> header = first.header()
                ? first.rows().isEmpty()
                        ? List.of()
                        : first.rows().get(0).stream().map(String::strip).toList()
                : List.of();
        List<List<String>> rows = new ArrayList<>(first.data());
        for (int i = 1; i < samples.size(); i++) {
            CsvSniffer.Sniffed other =
                    CsvSniffer.sniff(samples.get(i).bytes(), samples.get(i).truncated());
            if (first.header()
                    && (other.rows().isEmpty()
                            || !Set.copyOf(other.rows().get(0).stream()
                                            .map(String::strip)
                                            .toList())
                                    .equals(Set.copyOf(header)))) {
                throw new SluiceException(
                        ErrorKind.MISSING_COLUMN,
                        "the files do not share one header: " + samples.get(i).shown() + " has "
                                + (other.rows().isEmpty()
                                        ? "none"
                                        : other.rows().get(0)) + ", the first has "
                                + header);
            }
            rows.addAll(reordered(other, header));
        }
        int width = first.rows().isEmpty() ? 0 : first.rows().get(0).size();
        if (rows.isEmpty() || width == 0) {
            throw new SluiceException(
                    ErrorKind.EMPTY_SOURCE, "no data rows in " + samples.get(0).shown());
        }
        boolean all = samples.stream().noneMatch(Sample::truncated);
        reasons.add(String.format(
                Locale.ROOT,
                "%,d rows read%s",
                rows.size(),
                all ? " (all of them)" : " (the first " + (SAMPLE_BYTES >> 20) + " MiB of each file)"));

        List<PipelineText.Column> columns = columns(first.header(), header, width, rows, reasons);
        KeyFinder.Found key = KeyFinder.find(
                columns.stream()
                        .filter(PipelineText.Column::required)
                        .map(c -> new KeyFinder.Candidate(c.position() - 1, c.name(), c.type()))
                        .toList(),
                rows);
        List<String> keyNames =
                key.columns().stream().map(KeyFinder.Candidate::name).toList();
        String keyReason = keyNames.isEmpty()
                ? "no column has a value on every row: name a key"
                : key.unique()
                        ? String.format(Locale.ROOT, "unique over %,d rows", rows.size())
                        : String.format(
                                Locale.ROOT,
                                "NOT unique: %,d of %,d rows repeat a key; the best candidate, a run fails until"
                                        + " the key is unique",
                                key.repeated(),
                                rows.size());
        reasons.add("key: " + (keyNames.isEmpty() ? "none" : String.join(", ", keyNames)) + " (" + keyReason + ")");

        String name = request.name().orElseGet(() -> nameFrom(urls));
        String table = tableName(name);
        CsvFormat format = new CsvFormat(
                CsvFormat.Compression.AUTO,
                Optional.empty(),
                first.encoding(),
                first.delimiter(),
                first.quote(),
                Optional.empty(),
                first.header() ? CsvFormat.Header.PRESENT : CsvFormat.Header.ABSENT,
                first.skipLines(),
                Optional.empty());
        String summary = String.format(
                Locale.ROOT,
                "%s: %,d rows read%s.",
                samples.size() == 1 ? samples.get(0).shown() : samples.size() + " files",
                rows.size(),
                all ? ", all of them" : ", a prefix of each file");
        String yaml = PipelineText.write(new PipelineText.Guessed(
                name,
                table,
                summary,
                Locations.yaml(urls, request.directory(), reasons),
                format,
                columns,
                keyNames.isEmpty() ? List.of(columns.get(0).name()) : keyNames,
                keyReason));
        return new Result(yaml, reasons, key.unique() && !keyNames.isEmpty());
    }

    private static List<PipelineText.Column> columns(
            boolean hasHeader, List<String> header, int width, List<List<String>> rows, List<String> reasons) {
        List<PipelineText.Column> columns = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < width; i++) {
            int index = i;
            List<String> values =
                    rows.stream().map(r -> index < r.size() ? r.get(index) : "").toList();
            ColumnGuesser.Guess guess = ColumnGuesser.guess(values);
            String label = hasHeader ? header.get(i) : null;
            String name = uniqueName(hasHeader ? snakeCase(label, i) : "column_" + (i + 1), names);
            columns.add(new PipelineText.Column(
                    label, i + 1, name, guess.type(), guess.format(), guess.required(), guess.reason()));
            reasons.add((label == null ? "column " + (i + 1) : label) + ": " + guess.reason()
                    + (guess.required() ? "" : ", optional"));
        }
        return columns;
    }

    /** The header in snake_case: lower case, every run of other characters one {@code _}. */
    static String snakeCase(String header, int index) {
        String name =
                header.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (name.isEmpty()) {
            name = "column_" + (index + 1);
        }
        if (Character.isDigit(name.charAt(0))) {
            name = "_" + name;
        }
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    private static String uniqueName(String name, Set<String> taken) {
        String unique = name;
        for (int n = 2; !taken.add(unique); n++) {
            unique = name + "_" + n;
        }
        return unique;
    }

    /** The rows of another file in the first file's column order (files may order their columns differently). */
    private static List<List<String>> reordered(CsvSniffer.Sniffed other, List<String> header) {
        if (!other.header() || header.isEmpty()) {
            return other.data();
        }
        List<String> theirs = other.rows().get(0).stream().map(String::strip).toList();
        int[] from = header.stream().mapToInt(theirs::indexOf).toArray();
        return other.data().stream()
                .map(row -> {
                    List<String> ordered = new ArrayList<>(from.length);
                    for (int index : from) {
                        ordered.add(index < row.size() ? row.get(index) : "");
                    }
                    return ordered;
                })
                .toList();
    }

    /** The first bytes of one file, unpacked, and whether the file goes on. */
    private record Sample(String shown, byte[] bytes, boolean truncated) {}

    /** Reads each file from where a run would (the same checks, the same unpacking), up to the sample's bounds. */
    private List<Sample> sample(List<URI> urls) {
        SourceLocation location = urls.size() == 1
                ? new SourceLocation.Single(urls.get(0), Optional.empty())
                : new SourceLocation.Listed(urls, Optional.empty());
        SourceSpec source = new SourceSpec(
                SAMPLE, location, CsvFormat.DEFAULTS, List.of(), List.of(), List.of(), FetchSettings.DEFAULTS);
        List<Sample> samples = new ArrayList<>();
        long budget = MAX_TOTAL_BYTES;
        try (Fetch fetch = fetcher.fetch("init", List.of(source), Map.of())) {
            List<SourceFile> files = fetch.files(SAMPLE);
            for (int i = 0; i < files.size(); i++) {
                int limit = (int) Math.max(1 << 16, Math.min(SAMPLE_BYTES, budget));
                String shown = UrlRedactor.redact(urls.get(i));
                try (InputStream in = files.get(i).body().open()) {
                    byte[] bytes = in.readNBytes(limit);
                    boolean truncated = bytes.length == limit && in.read() != -1;
                    samples.add(new Sample(shown, bytes, truncated));
                    budget -= bytes.length;
                } catch (IOException e) {
                    throw new SluiceException(ErrorKind.LOCAL_IO, "cannot read " + shown + ": " + e.getMessage(), e);
                }
            }
        }
        return samples;
    }

    private static URI toUri(String location) {
        if (location.matches("(?i)(https?|s3|file):.*")) {
            try {
                return new URI(location);
            } catch (URISyntaxException e) {
                throw new SluiceException(
                        ErrorKind.CONFIG, "not a valid URL: " + location + " (" + e.getReason() + ")");
            }
        }
        return Path.of(location).toAbsolutePath().normalize().toUri();
    }

    /** From the file names: their common beginning ({@code euribor-1w.csv}, {@code euribor-3m.csv}: euribor). */
    static String nameFrom(List<URI> urls) {
        List<String> names = urls.stream().map(Initializer::baseName).toList();
        String common = names.get(0);
        for (String other : names) {
            int n = 0;
            while (n < Math.min(common.length(), other.length()) && common.charAt(n) == other.charAt(n)) {
                n++;
            }
            common = common.substring(0, n);
        }
        if (names.size() > 1 && common.length() < names.get(0).length()) {
            int cut = common.lastIndexOf('-');
            common = cut > 0 ? common.substring(0, cut) : common;
        }
        String name = common.replaceAll("^-+|-+$", "");
        if (name.length() < 2) {
            name = names.get(0).isEmpty() ? "feed" : names.get(0);
        }
        if (!Character.isLetterOrDigit(name.charAt(0))) {
            name = "feed-" + name;
        }
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    private static String baseName(URI url) {
        String path = url.getPath() == null ? "" : url.getPath();
        String last = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        last = last.replaceAll("(\\.(gz|zip|bz2))+$", "").replaceAll("\\.(csv|tsv|txt|dat)$", "");
        return last.replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    }

    /** The pipeline's name with {@code -} as {@code _}: a SQL name for the table and the source. */
    static String tableName(String name) {
        String table = name.replace('-', '_');
        return SqlIdentifier.isValid(table) ? table : "t_" + table.replaceAll("[^a-z0-9_]", "_");
    }
}
