package dev.sluice.config;

import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates pipeline files. {@code --pipeline} takes either a path or the name of a pipeline bundled in
 * the jar ({@link #BUNDLED}). Every problem is reported with the file, the line and the field, and nothing
 * invalid gets past this class: the rest of sluice trusts a {@link PipelineSpec}.
 */
public final class PipelineFileReader {
    /** Pipelines shipped in the jar, under {@code /pipelines/NAME.yaml}. */
    public static final List<String> BUNDLED = List.of("covid-us", "us-counties");

    public static final String DEFAULT_PIPELINE = "covid-us";

    private static final Pattern PIPELINE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final int DEFAULT_MAX_PROBLEMS = 100;
    private static final int DEFAULT_CHANGE_LOG_LIMIT = 10_000;

    /** The largest pipeline file read: checked before parsing (a 50 MB value parses in quadratic time). */
    public static final int MAX_FILE_BYTES = 1 << 20;

    private final Trust trust;
    private final ChannelReader channels;

    /** @param trust what pipeline files may read: local files, secrets (see {@link Trust}) */
    public PipelineFileReader(Trust trust) {
        this.trust = trust;
        this.channels = new ChannelReader(trust);
    }

    /** Reads a pipeline by path or bundled name. */
    public PipelineSpec read(String pathOrName) {
        Path path = Path.of(pathOrName);
        if (Files.isRegularFile(path)) {
            try {
                ConfigTree.checkSize(pathOrName, Files.size(path));
                return parse(
                        path.toString(),
                        Files.readString(path, StandardCharsets.UTF_8),
                        Optional.of(path.toAbsolutePath().getParent()));
            } catch (IOException e) {
                throw new PipelineConfigException(pathOrName, 0, "", "cannot read the file: " + e.getMessage());
            }
        }
        if (BUNDLED.contains(pathOrName)) {
            return parse("bundled:" + pathOrName, bundledText(pathOrName), Optional.empty());
        }
        throw new PipelineConfigException(
                pathOrName, 0, "", "no such file, and no bundled pipeline of that name; bundled pipelines: " + BUNDLED);
    }

    /** The YAML text of a bundled pipeline, for users who want to start their own from it. */
    public static String bundledText(String name) {
        try (InputStream in = PipelineFileReader.class.getResourceAsStream("/pipelines/" + name + ".yaml")) {
            if (in == null) {
                throw new IllegalStateException("bundled pipeline missing from the jar: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled pipeline " + name, e);
        }
    }

    /**
     * Parses pipeline text.
     *
     * @param origin   how errors name the file
     * @param text     the YAML
     * @param baseDir  the file's directory, against which relative {@code file:} URLs resolve and inside which
     *                 they must stay; empty for bundled pipelines, which may not read local files
     */
    public PipelineSpec parse(String origin, String text, Optional<Path> baseDir) {
        ConfigNode root = ConfigTree.parse(origin, text).root();
        root.allowOnly(
                "name",
                "description",
                "schedule",
                "sources",
                "join",
                "target",
                "invalid_rows",
                "max_problems",
                "notifications",
                "dashboard");
        String name = root.text("name").trim();
        if (!PIPELINE_NAME.matcher(name).matches()) {
            throw root.error(
                    "name", "must be lower-case letters, digits, '-' or '_', at most 63, found '" + name + "'");
        }
        List<SourceSpec> sources = readSources(root, baseDir);
        Optional<JoinSpec> join = readJoin(root, sources);
        TargetSpec target = readTarget(root, sources, join);
        return new PipelineSpec(
                name,
                root.optionalText("description").orElse(""),
                origin,
                sha256(text),
                readSchedule(root),
                sources,
                join,
                target,
                root.enumValue("invalid_rows", InvalidRowPolicy.class, InvalidRowPolicy.FAIL_RUN),
                root.integer("max_problems", DEFAULT_MAX_PROBLEMS, 1, 100_000),
                channels.read(root),
                DashboardReader.read(root, target));
    }

    private static Optional<ScheduleSpec> readSchedule(ConfigNode root) {
        return root.optionalChild("schedule").map(node -> {
            node.allowOnly("cron", "zone");
            String cron = node.text("cron").trim();
            if (cron.split("\\s+").length != 6) {
                throw node.error(
                        "cron",
                        "expected six fields (second minute hour day-of-month month day-of-week)," + " found '" + cron
                                + "'");
            }
            String zone = node.optionalText("zone").orElse("UTC");
            ZoneId zoneId;
            try {
                zoneId = ZoneId.of(zone.trim());
            } catch (DateTimeException e) {
                throw node.error("zone", "unknown time zone '" + zone + "'");
            }
            try {
                // The scheduler's own parser: what `check` accepts, `serve` can run.
                Schedules.cron(cron, zoneId);
            } catch (IllegalArgumentException e) {
                throw node.error("cron", "not a valid cron expression: " + e.getMessage());
            }
            return new ScheduleSpec(cron, zoneId);
        });
    }

    private List<SourceSpec> readSources(ConfigNode root, Optional<Path> baseDir) {
        List<SourceSpec> sources = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode node : root.list("sources")) {
            SourceSpec source = readSource(node, baseDir);
            if (!names.add(source.name())) {
                throw node.error("name", "two sources are named '" + source.name() + "'");
            }
            sources.add(source);
        }
        return sources;
    }

    private SourceSpec readSource(ConfigNode node, Optional<Path> baseDir) {
        node.allowOnly("name", "url", "delimiter", "columns", "filters", "key", "fetch");
        String name = sqlName(node, "name");
        Location location = readUrl(node, baseDir);
        String delimiter = node.optionalText("delimiter").orElse(",");
        if (delimiter.length() != 1 || delimiter.equals("\"") || delimiter.equals("\n") || delimiter.equals("\r")) {
            throw node.error("delimiter", "must be one character other than a quote or line break");
        }
        List<ColumnSpec> columns = new ArrayList<>();
        Set<String> sqlNames = new HashSet<>();
        Set<String> headers = new HashSet<>();
        for (ConfigNode columnNode : node.list("columns")) {
            ColumnSpec column = readColumn(columnNode);
            if (!sqlNames.add(column.name())) {
                throw columnNode.error("two columns of this source are stored as '" + column.name() + "'");
            }
            if (!headers.add(column.header())) {
                throw columnNode.error("header", "column '" + column.header() + "' is declared twice");
            }
            columns.add(column);
        }
        List<String> key = node.textList("key");
        for (String keyColumn : key) {
            ColumnSpec column = columns.stream()
                    .filter(c -> c.name().equals(keyColumn))
                    .findFirst()
                    .orElseThrow(() -> node.error(
                            "key",
                            "'" + keyColumn + "' is not one of this source's columns "
                                    + columns.stream().map(ColumnSpec::name).toList()));
            if (!column.required()) {
                throw node.error("key", "key column '" + keyColumn + "' must be required");
            }
        }
        if (new HashSet<>(key).size() != key.size()) {
            throw node.error("key", "names a column twice");
        }
        checkDecreaseRules(node, columns, key);
        List<RowFilter> filters = node.has("filters")
                ? node.list("filters").stream()
                        .map(PipelineFileReader::readFilter)
                        .toList()
                : List.of();
        return new SourceSpec(
                name,
                location.url(),
                location.confinement(),
                delimiter.charAt(0),
                columns,
                filters,
                key,
                readFetch(node));
    }

    private static void checkDecreaseRules(ConfigNode node, List<ColumnSpec> columns, List<String> key) {
        boolean anyRule = columns.stream().anyMatch(c -> c.onDecrease() != DecreasePolicy.ALLOW);
        if (!anyRule) {
            return;
        }
        long dateKeys = columns.stream()
                .filter(c -> key.contains(c.name()) && c.type() == ColumnType.DATE)
                .count();
        if (dateKeys != 1) {
            throw node.error("key", "on_decrease needs exactly one date column in the key to order the series by");
        }
    }

    /** Where a source is, and for a local file, the directories it must stay in. */
    private record Location(URI url, Optional<Confinement> confinement) {}

    private Location readUrl(ConfigNode node, Optional<Path> baseDir) {
        String text = node.text("url").trim();
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw node.error("url", "not a valid URL: " + e.getReason());
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        switch (scheme) {
            case "https", "http" -> {
                if (url.getHost() == null) {
                    throw node.error("url", "has no host");
                }
                return new Location(url, Optional.empty());
            }
            case "file" -> {
                return confinedFile(node, url, baseDir);
            }
            default -> throw node.error("url", "must start with https:, http: or file:");
        }
    }

    /**
     * A pipeline file may read local files only inside its own directory (or a configured extra root), so that a
     * pipeline file from elsewhere cannot make sluice load, and then display, any file the process can read. The
     * real path is checked now, and again each time the file is read (a link may appear in between).
     */
    private Location confinedFile(ConfigNode node, URI url, Optional<Path> baseDir) {
        if (baseDir.isEmpty()) {
            throw node.error("url", "a bundled pipeline cannot read local files; use --source NAME=file:...");
        }
        String raw = url.getSchemeSpecificPart();
        if (raw.startsWith("//")) {
            // file://HOST/path: only this machine's files, however the host is spelled.
            String host = url.getAuthority() == null ? "" : url.getAuthority();
            if (!host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
                throw node.error("url", "a file: URL cannot name another host ('" + host + "')");
            }
            raw = url.getPath() == null ? "" : url.getPath();
        }
        Path path = baseDir.get().resolve(raw).normalize();
        Confinement confinement = trust.fileConfinement(baseDir.get());
        confinement.refusal(path).ifPresent(why -> {
            throw node.error(
                    "url", "file " + why + ": the pipeline file's directory, and those in" + " SLUICE_FILE_ROOTS");
        });
        return new Location(path.toUri(), Optional.of(confinement));
    }

    private static ColumnSpec readColumn(ConfigNode node) {
        node.allowOnly("header", "as", "type", "pattern", "required", "min", "max", "on_decrease");
        String header = node.text("header").trim();
        String name = node.has("as") ? sqlName(node, "as") : header;
        if (!SqlIdentifier.isValid(name)) {
            throw node.error(
                    "header",
                    "'" + header + "' is not a valid SQL name (lower-case letters, digits and _):"
                            + " add  as: some_name");
        }
        ColumnType type = node.enumValue("type", ColumnType.class, ColumnType.TEXT);
        String pattern = null;
        if (type == ColumnType.DATE) {
            pattern = node.optionalText("pattern").orElse("yyyy-MM-dd");
            try {
                DateTimeFormatter.ofPattern(pattern);
            } catch (IllegalArgumentException e) {
                throw node.error("pattern", "not a valid date pattern: " + e.getMessage());
            }
        } else if (node.has("pattern")) {
            throw node.error("pattern", "only date columns have a pattern");
        }
        Optional<BigDecimal> min = node.decimal("min");
        Optional<BigDecimal> max = node.decimal("max");
        DecreasePolicy onDecrease = node.enumValue("on_decrease", DecreasePolicy.class, DecreasePolicy.ALLOW);
        if (!type.isNumeric() && (min.isPresent() || max.isPresent() || onDecrease != DecreasePolicy.ALLOW)) {
            throw node.error("min, max and on_decrease apply to integer and decimal columns only");
        }
        if (min.isPresent() && max.isPresent() && min.get().compareTo(max.get()) > 0) {
            throw node.error("min", "is greater than max");
        }
        return new ColumnSpec(
                header,
                name,
                type,
                pattern,
                node.bool("required", true),
                min.orElse(null),
                max.orElse(null),
                onDecrease);
    }

    private static RowFilter readFilter(ConfigNode node) {
        node.allowOnly("column", "equals", "in", "empty");
        String header = node.text("column").trim();
        int tests = (node.has("equals") ? 1 : 0) + (node.has("in") ? 1 : 0) + (node.has("empty") ? 1 : 0);
        if (tests != 1) {
            throw node.error("needs exactly one of equals, in, empty");
        }
        if (node.has("equals")) {
            return new RowFilter(
                    header, RowFilter.Test.EQUALS, List.of(node.text("equals").trim()));
        }
        if (node.has("in")) {
            return new RowFilter(
                    header,
                    RowFilter.Test.IN,
                    node.textList("in").stream().map(String::trim).toList());
        }
        return new RowFilter(
                header, node.bool("empty", true) ? RowFilter.Test.EMPTY : RowFilter.Test.NOT_EMPTY, List.of());
    }

    private static FetchSettings readFetch(ConfigNode source) {
        if (!source.has("fetch")) {
            return FetchSettings.DEFAULTS;
        }
        ConfigNode node = source.child("fetch");
        node.allowOnly(
                "connect_timeout",
                "read_timeout",
                "deadline",
                "min_rate",
                "min_rate_over",
                "attempts",
                "backoff",
                "max_backoff",
                "max_retry_after",
                "max_bytes");
        FetchSettings d = FetchSettings.DEFAULTS;
        Duration deadline = node.duration("deadline", d.deadline());
        if (deadline.isZero()) {
            throw node.error("deadline", "must be longer than zero");
        }
        Duration over = node.duration("min_rate_over", d.minRate().over());
        if (over.toSeconds() < 1) {
            throw node.error("min_rate_over", "must be a second or longer");
        }
        return new FetchSettings(
                node.duration("connect_timeout", d.connectTimeout()),
                node.duration("read_timeout", d.readTimeout()),
                deadline,
                new FetchSettings.MinimumRate(node.rate("min_rate", d.minRate().bytesPerSecond()), over),
                node.integer("attempts", d.attempts(), 1, 20),
                node.duration("backoff", d.backoffBase()),
                node.duration("max_backoff", d.backoffMax()),
                node.duration("max_retry_after", d.maxRetryAfter()),
                node.bytes("max_bytes", d.maxBytes()));
    }

    private static Optional<JoinSpec> readJoin(ConfigNode root, List<SourceSpec> sources) {
        if (sources.size() == 1) {
            if (root.has("join")) {
                throw root.error("join", "a pipeline with one source has nothing to join");
            }
            return Optional.empty();
        }
        ConfigNode node = root.child("join");
        node.allowOnly("type", "on");
        JoinType type = node.enumValue("type", JoinType.class, JoinType.LEFT);
        List<String> on = node.textList("on");
        for (SourceSpec source : sources) {
            if (!new HashSet<>(source.key()).equals(new HashSet<>(on))) {
                throw node.error(
                        "on",
                        "must be the key of every source; source '" + source.name() + "' has key " + source.key());
            }
            for (String keyColumn : on) {
                ColumnType first =
                        sources.get(0).column(keyColumn).orElseThrow().type();
                if (source.column(keyColumn).orElseThrow().type() != first) {
                    throw node.error("on", "column '" + keyColumn + "' has different types in different sources");
                }
            }
        }
        Set<String> seen = new HashSet<>();
        for (SourceSpec source : sources) {
            for (ColumnSpec column : source.columns()) {
                if (!on.contains(column.name()) && !seen.add(column.name())) {
                    throw node.error("column '" + column.name() + "' comes from two sources; rename one with  as:");
                }
            }
        }
        return Optional.of(new JoinSpec(type, on));
    }

    private static TargetSpec readTarget(ConfigNode root, List<SourceSpec> sources, Optional<JoinSpec> join) {
        ConfigNode node = root.child("target");
        node.allowOnly("schema", "table", "key", "change_log_limit");
        String schema = node.has("schema") ? sqlName(node, "schema") : "public";
        if (schema.equals("sluice") || schema.startsWith("pg_") || schema.equals("information_schema")) {
            throw node.error("schema", "'" + schema + "' is reserved");
        }
        String table = sqlName(node, "table");
        List<String> key = join.map(JoinSpec::on).orElse(sources.get(0).key());
        if (node.has("key") && !new HashSet<>(node.textList("key")).equals(new HashSet<>(key))) {
            throw node.error("key", "must be the sources' key " + key);
        }
        Map<String, TargetColumn> columns = new LinkedHashMap<>();
        for (String keyColumn : key) {
            ColumnSpec column = sources.get(0).column(keyColumn).orElseThrow();
            columns.put(
                    keyColumn,
                    new TargetColumn(
                            keyColumn,
                            column.type(),
                            TargetColumn.Role.KEY,
                            TargetColumn.Nulls.NOT_NULL,
                            sources.get(0).name()));
        }
        JoinType joinType = join.map(JoinSpec::type).orElse(JoinType.INNER);
        for (int i = 0; i < sources.size(); i++) {
            SourceSpec source = sources.get(i);
            boolean alwaysPresent = joinType == JoinType.INNER || (joinType == JoinType.LEFT && i == 0);
            for (ColumnSpec column : source.columns()) {
                if (!key.contains(column.name())) {
                    boolean notNull =
                            column.required() && alwaysPresent && column.onDecrease() != DecreasePolicy.SET_NULL;
                    columns.put(
                            column.name(),
                            new TargetColumn(
                                    column.name(),
                                    column.type(),
                                    TargetColumn.Role.VALUE,
                                    notNull ? TargetColumn.Nulls.NOT_NULL : TargetColumn.Nulls.NULLABLE,
                                    source.name()));
                }
            }
        }
        return new TargetSpec(
                schema,
                table,
                List.copyOf(columns.values()),
                node.integer("change_log_limit", DEFAULT_CHANGE_LOG_LIMIT, 0, 10_000_000));
    }

    private static String sqlName(ConfigNode node, String field) {
        String name = node.text(field).trim();
        if (!SqlIdentifier.isValid(name)) {
            throw node.error(
                    field,
                    "'" + name + "' is not a valid SQL name: use lower-case letters, digits and _,"
                            + " starting with a letter or _, at most 63 characters");
        }
        return name;
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
