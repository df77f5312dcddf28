package dev.sluice.init;

import dev.sluice.ErrorKind;
import dev.sluice.Excerpt;
import dev.sluice.SluiceException;
import dev.sluice.config.CsvFormat;
import dev.sluice.config.DuplicateKeyPolicy;
import dev.sluice.config.FetchSettings;
import dev.sluice.config.HttpCredentials;
import dev.sluice.config.PipelineConfigException;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.ShortHeader;
import dev.sluice.config.ShortRows;
import dev.sluice.config.SourceCredentials;
import dev.sluice.config.SourceLocation;
import dev.sluice.config.SourceSpec;
import dev.sluice.config.SqlIdentifier;
import dev.sluice.config.TargetSpec;
import dev.sluice.config.Trust;
import dev.sluice.extract.Fetch;
import dev.sluice.extract.SourceFetcher;
import dev.sluice.extract.SourceFile;
import dev.sluice.extract.UrlRedactor;
import dev.sluice.transform.ColumnGuesser;
import dev.sluice.transform.CsvSniffer;
import dev.sluice.transform.JsonSniffer;
import dev.sluice.transform.WorkbookSniffer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
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
    /** How long the key search may take: a file of many columns with few values each has many combinations. */
    private static final Duration KEY_SEARCH = Duration.ofSeconds(10);

    private final SourceFetcher fetcher;
    private final Trust trust;
    private final Clock clock;

    /** @param trust what the operator lends pipeline files: the guessed file is read back under it */
    public Initializer(SourceFetcher fetcher, Trust trust, Clock clock) {
        this.fetcher = fetcher;
        this.trust = trust;
        this.clock = clock;
    }

    /**
     * @param locations URLs ({@code https:}, {@code http:}, {@code s3:}, {@code file:}) or local paths, one source
     * @param name      the pipeline's name; empty to derive it from the first file's name
     * @param directory where the pipeline file goes: local files inside it are written relative to it
     * @param credentials the headers and authentication to send, by reference
     */
    public record Request(
            List<String> locations, Optional<String> name, Path directory, CredentialOptions credentials) {
        public Request {
            locations = List.copyOf(locations);
        }

        public Request(List<String> locations, Optional<String> name, Path directory) {
            this(locations, name, directory, CredentialOptions.NONE);
        }
    }

    /**
     * What was guessed.
     *
     * @param yaml    the pipeline file, which {@code sluice check} accepts
     * @param reasons what was guessed and why, one line each, to show
     * @param key     the key's SQL names; empty when no combination of up to three columns is unique, and the table
     *                is then replaced by each publication, without a key
     */
    public record Result(String yaml, List<String> reasons, List<String> key) {
        public Result {
            reasons = List.copyOf(reasons);
            key = List.copyOf(key);
        }
    }

    public Result initialize(Request request) {
        if (request.locations().isEmpty()) {
            throw new SluiceException(ErrorKind.CONFIG, "sluice init needs the URL or path of a CSV file");
        }
        List<URI> urls = request.locations().stream().map(Initializer::toUri).toList();
        checkLogin(urls, request.credentials());
        String credentialLines = request.credentials().yaml();
        List<Sample> samples = credentialLines.isEmpty()
                ? sample(urls, location(urls), HttpCredentials.NONE)
                : sample(urls, resolved(urls, credentialLines, request.directory()));
        List<String> reasons = new ArrayList<>();
        CsvFormat.Syntax syntax = WorkbookSniffer.looksLikeWorkbook(
                        samples.get(0).bytes())
                ? CsvFormat.Syntax.XLSX
                : JsonSniffer.looksLikeJson(samples.get(0).bytes()) ? CsvFormat.Syntax.JSON : CsvFormat.Syntax.CSV;
        Optional<String> records = switch (syntax) {
            case JSON ->
                JsonSniffer.sniff(samples.get(0).bytes(), samples.get(0).truncated(), TargetSpec.maxColumns(3))
                        .records();
            case XLSX -> Optional.of(workbook(samples.get(0)).sheet());
            default -> Optional.empty();
        };
        CsvSniffer.Sniffed first = sniff(samples.get(0), syntax);
        reasons.addAll(first.reasons());
        int width = first.rows().isEmpty() ? 0 : first.rows().get(0).size();
        if (first.rows().isEmpty() || width == 0 || first.data().isEmpty()) {
            throw new SluiceException(
                    ErrorKind.EMPTY_SOURCE, "no data rows in " + samples.get(0).shown());
        }
        int most = TargetSpec.maxColumns(3);
        if (width > most) {
            throw new SluiceException(
                    ErrorKind.CONFIG,
                    String.format(
                            Locale.ROOT,
                            "%s has %,d columns; a PostgreSQL table holds at most %,d, and sluice loads at most %,d:"
                                    + " write the pipeline's columns by hand, loading the ones you need",
                            samples.get(0).shown(),
                            width,
                            TargetSpec.POSTGRES_MAX_COLUMNS,
                            most));
        }
        List<String> header =
                first.header() ? first.rows().get(0).stream().map(String::strip).toList() : List.of();
        List<List<String>> rows = new ArrayList<>(first.data());
        boolean cut = first.cut();
        for (int i = 1; i < samples.size(); i++) {
            CsvSniffer.Sniffed other = sniff(samples.get(i), syntax);
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
                                        : Excerpt.of(String.valueOf(other.rows().get(0)), 500))
                                + ", the first has "
                                + Excerpt.of(String.valueOf(header), 500));
            }
            rows.addAll(reordered(other, header));
            cut |= other.cut();
        }
        boolean all = samples.stream().noneMatch(Sample::truncated) && !cut;
        reasons.add(String.format(
                Locale.ROOT,
                "%,d rows read%s",
                rows.size(),
                all ? " (all of them)" : " (the first " + (SAMPLE_BYTES >> 20) + " MiB of each file, at most)"));

        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        List<List<String>> byColumn = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            int index = i;
            byColumn.add(
                    rows.stream().map(r -> index < r.size() ? r.get(index) : "").toList());
        }
        ColumnGuesser.Context context = new ColumnGuesser.Context(
                first.delimiter(), ColumnGuesser.writesDecimalCommas(first.delimiter(), byColumn), today);
        List<Guessed> guessed = guess(first.header(), header, byColumn, context);
        KeyFinder.Found key = KeyFinder.find(
                guessed.stream()
                        .filter(Guessed::keyEligible)
                        .map(g -> new KeyFinder.Candidate(
                                g.column().position() - 1,
                                g.column().name(),
                                g.guess().type()))
                        .toList(),
                rows,
                clock,
                KEY_SEARCH);
        List<String> keyNames =
                key.columns().stream().map(KeyFinder.Candidate::name).toList();
        String keyReason = keyReason(key, rows.size());
        reasons.add((keyNames.isEmpty() ? "no key: " : "key: " + String.join(", ", keyNames) + " (")
                + keyReason
                + (keyNames.isEmpty() ? "" : ")"));
        if (keyNames.isEmpty()) {
            reasons.add("mode: replace: each publication replaces the table's rows (inserted and deleted rows counted"
                    + " as a whole); with a key, name it and remove the mode");
        }
        List<PipelineText.Column> columns = new ArrayList<>();
        for (Guessed g : guessed) {
            PipelineText.Column c = g.column();
            boolean inKey = keyNames.contains(c.name());
            columns.add(new PipelineText.Column(
                    c.header(), c.position(), c.byPosition(), c.name(), c.type(), c.format(), inKey, c.reason()));
            reasons.add((c.header() == null || c.header().isEmpty() ? "column " + c.position() : c.header()) + ": "
                    + c.reason() + (inKey ? ", required (key)" : ""));
        }
        reasons.add("required: false: only the key columns must have a value on every row; a measurement may be"
                + " missing in a later publication, as it is in real feeds");

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
                Optional.empty(),
                first.shortRows() > 0 ? ShortRows.PAD : ShortRows.FAIL,
                first.rowNames() > 0 ? ShortHeader.ROW_NAMES : ShortHeader.FAIL,
                syntax,
                records);
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
                Locations.yaml(urls, request.directory(), reasons) + credentialLines,
                format,
                columns,
                keyNames,
                keyReason));
        PipelineSpec spec = checkReadable(yaml, urls, request.directory());
        if (spec.target().fullRowBytes() > TargetSpec.POSTGRES_MAX_ROW_BYTES) {
            reasons.add(String.format(
                    Locale.ROOT,
                    "note: a row with a value in each of the %,d columns takes at least %,d bytes, more than the %,d"
                            + " PostgreSQL stores in a row: such a row fails its run; load fewer columns if it comes",
                    spec.target().allColumns().size(),
                    spec.target().fullRowBytes(),
                    TargetSpec.POSTGRES_MAX_ROW_BYTES));
        }
        return new Result(yaml, reasons, keyNames);
    }

    private static String keyReason(KeyFinder.Found key, int rows) {
        if (key.unique()) {
            return String.format(Locale.ROOT, "unique over %,d rows", rows);
        }
        String closest = key.closest()
                .map(c -> String.format(
                        Locale.ROOT,
                        "; the closest, %s, repeats on %,d row%s",
                        String.join(
                                ", ",
                                c.columns().stream()
                                        .map(KeyFinder.Candidate::name)
                                        .toList()),
                        c.repeated(),
                        c.repeated() == 1 ? "" : "s"))
                .orElse("");
        return String.format(
                        Locale.ROOT,
                        "no combination of up to three columns with a value on every row is unique over %,d rows%s",
                        rows,
                        closest)
                + (key.timedOut() ? " (the search stopped after " + KEY_SEARCH.toSeconds() + " s)" : "");
    }

    /** A column with its guess, and whether it may be part of a key. */
    private record Guessed(PipelineText.Column column, ColumnGuesser.Guess guess, boolean keyEligible) {}

    private static List<Guessed> guess(
            boolean hasHeader, List<String> header, List<List<String>> byColumn, ColumnGuesser.Context context) {
        List<Guessed> guessed = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<String, Long> headerCounts = new HashMap<>();
        header.forEach(h -> headerCounts.merge(h, 1L, Long::sum));
        for (int i = 0; i < byColumn.size(); i++) {
            List<String> values = byColumn.get(i);
            ColumnGuesser.Guess guess = ColumnGuesser.guess(values, context);
            String label = hasHeader ? header.get(i) : null;
            boolean byPosition = hasHeader && (label.isEmpty() || headerCounts.get(label) > 1);
            String wanted = hasHeader ? snakeCase(label, i) : "column_" + (i + 1);
            String reason = guess.reason();
            if (TargetSpec.reserved(wanted)) {
                String renamed = "source_" + wanted.replaceAll("^_+", "");
                reason += "; stored as " + renamed + " (" + wanted + " is a name sluice keeps for itself)";
                wanted = renamed;
            }
            String name = uniqueName(wanted, names);
            guessed.add(new Guessed(
                    new PipelineText.Column(
                            label, i + 1, byPosition, name, guess.type(), guess.format(), false, reason),
                    guess,
                    // A number grouped by thousands is a count or an amount, not an identifier.
                    guess.required()
                            && guess.format().grouping().isEmpty()
                            && KeyFinder.eligible(guess.type(), values)));
        }
        return guessed;
    }

    /**
     * What init writes, {@code sluice check} accepts: the file is read back as a run would read it (its local files
     * allowed where they are), and a refusal is init's own defect, reported as such rather than written.
     */
    private PipelineSpec checkReadable(String yaml, List<URI> urls, Path directory) {
        Path[] roots = urls.stream()
                .filter(u -> "file".equalsIgnoreCase(u.getScheme()))
                .map(u -> Path.of(u).getParent())
                .toArray(Path[]::new);
        try {
            return new PipelineFileReader(trust.withFileRoots(roots))
                    .parse("the pipeline sluice init wrote", yaml, Optional.of(directory.toAbsolutePath()));
        } catch (PipelineConfigException e) {
            throw new SluiceException(
                    ErrorKind.INTERNAL, "sluice init wrote a pipeline it cannot read (a defect): " + e.getMessage(), e);
        }
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

    /**
     * An {@code sftp://} URL needs a login and the server's key, which only the options give; HTTP's options are no
     * SFTP login, nor the other way round.
     */
    private static void checkLogin(List<URI> urls, CredentialOptions options) {
        boolean sftp = urls.stream().anyMatch(u -> "sftp".equalsIgnoreCase(u.getScheme()));
        if (sftp && options.sftp().isEmpty()) {
            throw new SluiceException(
                    ErrorKind.CONFIG,
                    "an sftp:// URL needs its login, --sftp-password REF or --private-key REF, and its server's key,"
                            + " --host-key SHA256:... (as ssh-keygen -lf prints it) or --known-hosts PATH: a server"
                            + " is never trusted on first use");
        }
        if (sftp && options.isHttp()) {
            throw new SluiceException(
                    ErrorKind.CONFIG, "--header, --bearer and --basic are sent to http(s) sources, not sftp://");
        }
        if (!sftp && !options.sftp().isEmpty()) {
            throw new SluiceException(
                    ErrorKind.CONFIG,
                    "--sftp-password, --private-key, --passphrase, --host-key and --known-hosts are for sftp:// URLs");
        }
    }

    /**
     * The source as a run reads it from the options' lines alone (the same references, trust and refusals:
     * plaintext, inline secrets, an SFTP login without its server's key), so init reads what the run will.
     */
    private SourceSpec resolved(List<URI> urls, String credentialLines, Path directory) {
        String probe = "name: init\nsources:\n  - name: " + SAMPLE + "\n"
                + Locations.yaml(urls, directory, new ArrayList<>()) + credentialLines
                + "    columns: [ { header: a } ]\n    key: [a]\ntarget: { table: init }\n";
        try {
            return new PipelineFileReader(trust)
                    .parse("sluice init's options", probe, Optional.of(directory.toAbsolutePath()))
                    .sources()
                    .get(0);
        } catch (PipelineConfigException e) {
            throw new SluiceException(ErrorKind.CONFIG, e.getMessage(), e);
        }
    }

    private static SourceLocation location(List<URI> urls) {
        return urls.size() == 1
                ? new SourceLocation.Single(urls.get(0), Optional.empty())
                : new SourceLocation.Listed(urls, Optional.empty());
    }

    /**
     * A sample as the rows a CSV sniff finds: for JSON, its records' leaf fields by path are the header, and each
     * record a row (a JSON file has no dialect, encoding or title lines to guess).
     */
    private static CsvSniffer.Sniffed sniff(Sample sample, CsvFormat.Syntax syntax) {
        if (syntax == CsvFormat.Syntax.XLSX) {
            WorkbookSniffer.Sniffed sheet = workbook(sample);
            if (sheet.rows().isEmpty()) {
                throw new SluiceException(
                        ErrorKind.EMPTY_SOURCE, sample.shown() + ": its sheet '" + sheet.sheet() + "' has no rows");
            }
            return new CsvSniffer.Sniffed(
                    StandardCharsets.UTF_8,
                    ',',
                    '"',
                    0,
                    true,
                    0,
                    0,
                    sheet.rows(),
                    false,
                    List.of("format: xlsx, sheet '" + sheet.sheet() + "' (the largest), its first row the header"));
        }
        if (syntax != CsvFormat.Syntax.JSON) {
            return CsvSniffer.sniff(sample.bytes(), sample.truncated());
        }
        JsonSniffer.Sniffed found = JsonSniffer.sniff(sample.bytes(), sample.truncated(), TargetSpec.maxColumns(3));
        List<List<String>> rows = new ArrayList<>();
        rows.add(found.paths());
        rows.addAll(found.rows());
        return new CsvSniffer.Sniffed(
                StandardCharsets.UTF_8, ',', '"', 0, true, 0, 0, rows, found.cut(), found.reasons());
    }

    /** A workbook sample's largest sheet; a workbook is read whole, so one larger than the sample is refused. */
    private static WorkbookSniffer.Sniffed workbook(Sample sample) {
        if (sample.truncated()) {
            throw new SluiceException(
                    ErrorKind.CONFIG,
                    sample.shown() + " is a workbook larger than the " + (SAMPLE_BYTES >> 20) + " MiB sluice init"
                            + " reads; write its pipeline by hand (format: xlsx)");
        }
        try {
            return WorkbookSniffer.sniff(sample.bytes(), KEY_SAMPLE_ROWS);
        } catch (IllegalArgumentException e) {
            throw new SluiceException(ErrorKind.NOT_CSV, sample.shown() + ": " + e.getMessage(), e);
        }
    }

    /** The most rows of a sheet init guesses from. */
    private static final int KEY_SAMPLE_ROWS = 200_000;

    /** The first bytes of one file, unpacked, and whether the file goes on. */
    private record Sample(String shown, byte[] bytes, boolean truncated) {}

    private List<Sample> sample(List<URI> urls, SourceSpec resolved) {
        return sample(urls, resolved.location(), resolved.credentials());
    }

    /**
     * Reads each file from where a run would (the same checks, the same unpacking), up to the sample's bounds: the
     * URLs given, or the files an SFTP glob finds.
     */
    private List<Sample> sample(List<URI> urls, SourceLocation location, SourceCredentials credentials) {
        SourceSpec source = new SourceSpec(
                SAMPLE,
                location,
                // Whatever the body is: CSV or JSON is decided from its first bytes.
                CsvFormat.DEFAULTS.withSyntax(CsvFormat.Syntax.ANY),
                List.of(),
                List.of(),
                List.of(),
                DuplicateKeyPolicy.FAIL,
                FetchSettings.DEFAULTS,
                credentials);
        List<Sample> samples = new ArrayList<>();
        long budget = MAX_TOTAL_BYTES;
        try (Fetch fetch = fetcher.fetch("init", List.of(source), Map.of())) {
            List<SourceFile> files = fetch.files(SAMPLE);
            for (int i = 0; i < files.size(); i++) {
                int limit = (int) Math.max(1 << 16, Math.min(SAMPLE_BYTES, budget));
                String shown = files.size() == urls.size()
                        ? UrlRedactor.redact(urls.get(i))
                        : files.get(i).label();
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
        if (location.matches("(?i)(https?|s3|sftp|file):.*")) {
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
