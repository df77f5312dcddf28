package dev.sluice.cli;

import dev.sluice.app.Wiring;
import dev.sluice.config.PipelineConfigException;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.db.Database;
import dev.sluice.pipeline.RunProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice serve}: pipelines on their schedules, the dashboard and the API, until SIGTERM/SIGINT. On shutdown
 * the web stops first, then runs in progress finish (or, past the shutdown timeout, roll back and are recorded as
 * failed), then the database closes.
 */
@Command(name = "serve", description = "Run pipelines on their schedules and serve the dashboard and JSON API.")
public final class ServeCommand implements Callable<Integer> {
    private final Wiring wiring;
    private final Terminal terminal;

    @Option(
            names = "--pipeline",
            paramLabel = "FILE|NAME",
            description = "A pipeline to schedule and show; repeat for several. Default: covid-us.")
    List<String> pipelines = new ArrayList<>();

    @Mixin
    DatabaseOption database = new DatabaseOption();

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}; 0 picks one).")
    int port;

    @Option(
            names = "--bind",
            defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}: this machine only).")
    String bind;

    @Option(
            names = "--shutdown-timeout",
            paramLabel = "SECONDS",
            description = "How long a shutdown waits for runs in progress (default: SLUICE_SHUTDOWN_TIMEOUT, 60 s).")
    Optional<Integer> shutdownTimeout = Optional.empty();

    @Option(
            names = "--dashboard-only",
            description = "Serve the dashboard and API only, reading as sluice_reader: no schedule, no run-now, no"
                    + " connection that could change data (another process loads, such as the Lambda function).")
    boolean dashboardOnly;

    public ServeCommand(Wiring wiring, Terminal terminal) {
        this.wiring = wiring;
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws InterruptedException {
        List<PipelineSpec> specs = readPipelines();
        if (dashboardOnly) {
            Serving.dashboardUntilStopped(wiring, terminal, database.url(), specs, bind, port);
            return 0;
        }
        Duration wait = shutdownTimeout
                .map(s -> Duration.ofSeconds(Math.max(1, s)))
                .orElse(wiring.settings().serve().shutdownTimeout());
        Database db = wiring.database(database.url());
        try {
            Serving.untilStopped(
                    wiring, terminal, db, wiring.pipeline(db, RunProgress.NONE), specs, bind, port, wait, () -> {});
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return 0;
    }

    private List<PipelineSpec> readPipelines() {
        List<String> refs = pipelines.isEmpty() ? List.of(PipelineFileReader.DEFAULT_PIPELINE) : pipelines;
        Map<String, PipelineSpec> byName = new LinkedHashMap<>();
        for (String ref : refs) {
            PipelineSpec spec = dashboardOnly ? wiring.readPipelineToShow(ref) : wiring.readPipeline(ref);
            if (byName.putIfAbsent(spec.name(), spec) != null) {
                throw new PipelineConfigException(ref, 0, "name", "two pipelines are named '" + spec.name() + "'");
            }
        }
        return List.copyOf(byName.values());
    }
}
