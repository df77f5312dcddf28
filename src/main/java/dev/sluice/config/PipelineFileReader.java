package dev.sluice.config;

import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
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

    /**
     * A pipeline's name and schedule, and nothing else.
     *
     * @param name     the pipeline's name
     * @param schedule when it runs, if ever
     */
    public record NamedSchedule(String name, Optional<ScheduleSpec> schedule) {}

    /** A pipeline file's text, where it came from, and the directory its {@code file:} URLs stay in. */
    private record PipelineText(String origin, String text, Optional<Path> baseDir) {}

    /** Reads a pipeline by path or bundled name. */
    public PipelineSpec read(String pathOrName) {
        PipelineText file = load(pathOrName);
        return parse(file.origin(), file.text(), file.baseDir());
    }

    /**
     * Reads a pipeline as a dashboard shows it: all of it but its notifications, whose secrets a process that never
     * notifies must neither need nor hold ({@code serve --dashboard-only}).
     */
    public PipelineSpec readToShow(String pathOrName) {
        PipelineText file = load(pathOrName);
        return parse(file.origin(), file.text(), file.baseDir(), Notifications.LEFT_OUT);
    }

    /**
     * What a reading does with a file's secrets: its {@code notifications:}, and its sources' credentials. A
     * pipeline read to be shown resolves none, so a dashboard needs none of them lent (its sources' credentials are
     * then placeholders, never sent: such a spec is never run).
     */
    private enum Notifications {
        READ,
        LEFT_OUT
    }

    /**
     * Reads only a pipeline's name and schedule: what deploying it needs, on a machine that holds none of the
     * secrets its notifications read.
     */
    public NamedSchedule readSchedule(String pathOrName) {
        PipelineText file = load(pathOrName);
        ConfigNode root = ConfigTree.parse(file.origin(), file.text()).root();
        return new NamedSchedule(name(root), readSchedule(root));
    }

    private static PipelineText load(String pathOrName) {
        Path path = Path.of(pathOrName);
        if (Files.isRegularFile(path)) {
            try {
                ConfigTree.checkSize(pathOrName, Files.size(path));
                return new PipelineText(
                        path.toString(),
                        Files.readString(path, StandardCharsets.UTF_8),
                        Optional.of(path.toAbsolutePath().getParent()));
            } catch (IOException e) {
                throw new PipelineConfigException(pathOrName, 0, "", "cannot read the file: " + e.getMessage());
            }
        }
        if (BUNDLED.contains(pathOrName)) {
            return new PipelineText("bundled:" + pathOrName, bundledText(pathOrName), Optional.empty());
        }
        throw new PipelineConfigException(
                pathOrName, 0, "", "no such file, and no bundled pipeline of that name; bundled pipelines: " + BUNDLED);
    }

    private static String name(ConfigNode root) {
        String name = root.text("name").trim();
        if (!PIPELINE_NAME.matcher(name).matches()) {
            throw root.error(
                    "name", "must be lower-case letters, digits, '-' or '_', at most 63, found '" + name + "'");
        }
        return name;
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
        return parse(origin, text, baseDir, Notifications.READ);
    }

    private PipelineSpec parse(String origin, String text, Optional<Path> baseDir, Notifications notifications) {
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
                "max_invalid",
                "quarantine_runs",
                "notifications",
                "dashboard",
                "expect",
                "expectations");
        String name = name(root);
        LoadMode mode = root.has("target")
                ? root.child("target").enumValue("mode", LoadMode.class, LoadMode.UPSERT)
                : LoadMode.UPSERT;
        List<SourceSpec> sources = readSources(root, baseDir, mode, notifications == Notifications.READ);
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
                readInvalidRows(root),
                notifications == Notifications.READ ? channels.read(root) : List.of(),
                DashboardReader.read(root, target),
                readFreshness(root, target),
                ExpectationReader.read(root, target));
    }

    /**
     * Each source's {@code expect} block, else the pipeline's. {@code data_within} needs a date or timestamp in the
     * target's key: the newest value of it is what a late publication leaves behind.
     */
    private static Freshness readFreshness(ConfigNode root, TargetSpec target) {
        Optional<Freshness.Expected> pipelineDefault = readExpected(root, target);
        Map<String, Freshness.Expected> bySource = new LinkedHashMap<>();
        for (ConfigNode node : root.list("sources")) {
            String source = node.text("name");
            readExpected(node, target).or(() -> pipelineDefault).ifPresent(e -> bySource.put(source, e));
        }
        return new Freshness(bySource);
    }

    private static Optional<Freshness.Expected> readExpected(ConfigNode owner, TargetSpec target) {
        if (!owner.has("expect")) {
            return Optional.empty();
        }
        ConfigNode node = owner.child("expect").allowOnly("changes_within", "data_within");
        Optional<Duration> changes = Optional.ofNullable(node.duration("changes_within", null));
        Optional<Duration> data = Optional.ofNullable(node.duration("data_within", null));
        if (data.isPresent() && target.timeKey().isEmpty()) {
            throw node.error(
                    "data_within",
                    "needs a date or timestamp column in target.key, whose newest value tells how far behind the"
                            + " data is; this key is "
                            + target.keyColumns().stream()
                                    .map(TargetColumn::name)
                                    .toList());
        }
        Freshness.Expected expected = new Freshness.Expected(changes, data);
        if (!expected.any()) {
            throw node.error("expected changes_within, data_within or both");
        }
        return Optional.of(expected);
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

    private static InvalidRows readInvalidRows(ConfigNode root) {
        InvalidRowPolicy policy = root.enumValue("invalid_rows", InvalidRowPolicy.class, InvalidRowPolicy.FAIL_RUN);
        if (policy != InvalidRowPolicy.QUARANTINE && (root.has("max_invalid") || root.has("quarantine_runs"))) {
            throw root.error(
                    root.has("max_invalid") ? "max_invalid" : "quarantine_runs", "is for invalid_rows: quarantine");
        }
        return new InvalidRows(
                policy,
                root.integer("max_problems", DEFAULT_MAX_PROBLEMS, 1, 100_000),
                root.limit("max_invalid", InvalidRows.DEFAULT_MAX_INVALID),
                root.integer("quarantine_runs", InvalidRows.DEFAULT_KEPT_RUNS, 1, 100_000));
    }

    private List<SourceSpec> readSources(ConfigNode root, Optional<Path> baseDir, LoadMode mode, boolean readSecrets) {
        SourceReader reader = new SourceReader(new LocationReader(trust, baseDir), trust, mode, readSecrets);
        List<SourceSpec> sources = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode node : root.list("sources")) {
            SourceSpec source = reader.read(node);
            if (!names.add(source.name())) {
                throw node.error("name", "two sources are named '" + source.name() + "'");
            }
            sources.add(source);
        }
        return sources;
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
        node.allowOnly(
                "schema",
                "table",
                "key",
                "change_log_limit",
                "mode",
                "delete",
                "valid_from",
                "schema_changes",
                "guards",
                "provenance");
        String schema = node.has("schema") ? ColumnReader.sqlName(node, "schema") : "public";
        if (schema.equals("sluice") || schema.startsWith("pg_") || schema.equals("information_schema")) {
            throw node.error("schema", "'" + schema + "' is reserved");
        }
        String table = ColumnReader.sqlName(node, "table");
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
        return TargetModes.read(
                node,
                schema,
                table,
                List.copyOf(columns.values()),
                node.integer("change_log_limit", DEFAULT_CHANGE_LOG_LIMIT, 0, 10_000_000));
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
