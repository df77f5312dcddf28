package dev.sluice.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.app.Wiring;
import dev.sluice.config.PipelineSpec;
import dev.sluice.db.Database;
import dev.sluice.db.DatabaseException;
import dev.sluice.history.FeedStatus;
import dev.sluice.history.Run;
import dev.sluice.history.RunJson;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.RunProgress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice status}: each pipeline's last run and each expected source's freshness, judged as of now (nothing is
 * recorded or notified: {@code serve} and the runs do that). Exit code 1 when any source is late: for scripts.
 */
@Command(
        name = "status",
        description = "Each pipeline's last run and its sources' freshness (expect:), as of now; exit code 1 when any"
                + " source is late.",
        footer = {
            "",
            "Examples:",
            "  sluice status --pipeline /etc/sluice/pipelines",
            "  sluice status --pipeline covid-us --json",
            "  sluice status --pipeline daily.yaml || echo 'a feed is late'"
        })
public final class StatusCommand implements Callable<Integer> {
    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Wiring wiring;
    private final Terminal terminal;

    @Option(
            names = "--pipeline",
            paramLabel = "FILE|NAME|DIR",
            description = "A pipeline file, a bundled pipeline's name or a directory of pipeline files; repeat for"
                    + " several. Default: covid-us.")
    List<String> pipelines = new ArrayList<>();

    @Mixin
    DatabaseOption database = new DatabaseOption();

    @Option(names = "--json", description = "Print a JSON array, one object per pipeline, on stdout.")
    boolean json;

    public StatusCommand(Wiring wiring, Terminal terminal) {
        this.wiring = wiring;
        this.terminal = terminal;
    }

    /** One pipeline's state: its last run, and its expected sources as judged now. */
    private record PipelineStatus(PipelineSpec spec, Optional<Run> lastRun, List<FeedStatus> sources) {}

    @Override
    public Integer call() {
        List<PipelineSpec> specs = new ArrayList<>();
        for (String reference : PipelineReferences.expand(pipelines)) {
            specs.add(wiring.readPipeline(reference));
        }
        List<PipelineStatus> statuses = new ArrayList<>();
        try (Database db = wiring.database(database.url())) {
            Pipeline pipeline = wiring.pipeline(db, RunProgress.NONE);
            for (PipelineSpec spec : specs) {
                Optional<Run> last;
                try (Connection c = db.connect()) {
                    last = wiring.history().recent(c, 1, Optional.of(spec.name())).stream()
                            .findFirst();
                } catch (SQLException e) {
                    throw DatabaseException.of("cannot read the run history", e);
                }
                statuses.add(new PipelineStatus(
                        spec, last, pipeline.freshnessNow(spec).statuses()));
            }
        }
        if (json) {
            terminal.out().println(json(statuses));
        } else {
            print(statuses);
        }
        return statuses.stream().flatMap(s -> s.sources().stream()).anyMatch(FeedStatus::late) ? 1 : 0;
    }

    private void print(List<PipelineStatus> statuses) {
        String format = "%-16s %-12s %-6s %-17s %-34s %s%n";
        terminal.out().printf(Locale.ROOT, format, "PIPELINE", "SOURCE", "STATE", "SINCE (UTC)", "LAST RUN", "WHY");
        for (PipelineStatus status : statuses) {
            String lastRun = status.lastRun()
                    .map(r -> r.status() + " " + MINUTE.format(r.startedAt()) + " (run " + r.id() + ")")
                    .orElse("never run");
            if (status.sources().isEmpty()) {
                terminal.out()
                        .printf(
                                Locale.ROOT,
                                format,
                                status.spec().name(),
                                "-",
                                "-",
                                "-",
                                lastRun,
                                "no expect: in the pipeline file, so never late");
                continue;
            }
            for (FeedStatus source : status.sources()) {
                terminal.out()
                        .printf(
                                Locale.ROOT,
                                format,
                                status.spec().name(),
                                source.source(),
                                source.state(),
                                MINUTE.format(source.since()),
                                lastRun,
                                source.reason() + " [" + source.expected() + "]");
            }
        }
    }

    private static String json(List<PipelineStatus> statuses) {
        ArrayNode array = RunJson.MAPPER.createArrayNode();
        for (PipelineStatus status : statuses) {
            ObjectNode pipeline = array.addObject();
            pipeline.put("pipeline", status.spec().name());
            if (status.lastRun().isPresent()) {
                pipeline.set("last_run", RunJson.toJson(status.lastRun().get()));
            } else {
                pipeline.putNull("last_run");
            }
            pipeline.put("late", status.sources().stream().anyMatch(FeedStatus::late));
            ArrayNode sources = pipeline.putArray("sources");
            for (FeedStatus source : status.sources()) {
                ObjectNode node = sources.addObject();
                node.put("source", source.source());
                node.put("state", source.state().name());
                node.put("since", source.since().toString());
                node.put("reason", source.reason());
                node.put("expected", source.expected());
                node.put(
                        "last_changed",
                        source.lastChanged().map(Instant::toString).orElse(null));
                node.put(
                        "data_latest",
                        source.dataLatest().map(Instant::toString).orElse(null));
            }
        }
        return array.toString();
    }
}
