package dev.sluice.cli;

import dev.sluice.config.PipelineConfigException;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.db.Database;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice serve}: pipelines on their schedules, the dashboard and the API, until SIGTERM/SIGINT. On shutdown
 * the web stops first, then runs in progress finish (or, past {@code --shutdown-timeout}, roll back and are
 * recorded as failed), then the database closes.
 */
@Command(name = "serve", description = "Run pipelines on their schedules and serve the dashboard and JSON API.")
public final class ServeCommand implements Callable<Integer> {
    private final Services services;

    @Option(names = "--pipeline", paramLabel = "FILE|NAME",
            description = "A pipeline to schedule and show; repeat for several. Default: covid-us.")
    List<String> pipelines = new ArrayList<>();

    @Mixin
    DatabaseOption database = new DatabaseOption();

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}; 0 picks one).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}: this machine only).")
    String bind;

    @Option(names = "--shutdown-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long a shutdown waits for runs in progress (default ${DEFAULT-VALUE}).")
    int shutdownTimeout;

    public ServeCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws InterruptedException {
        List<PipelineSpec> specs = readPipelines();
        Database db = services.openDatabase(database.url());
        try {
            Serving.untilStopped(services, db, services.pipeline(db, Progress.NONE), specs, bind, port,
                    Duration.ofSeconds(Math.max(1, shutdownTimeout)), () -> { });
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
            PipelineSpec spec = services.readPipeline(ref);
            if (byName.putIfAbsent(spec.name(), spec) != null) {
                throw new PipelineConfigException(ref, 0, "name", "two pipelines are named '" + spec.name() + "'");
            }
        }
        return List.copyOf(byName.values());
    }
}
