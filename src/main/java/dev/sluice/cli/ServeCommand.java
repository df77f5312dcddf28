package dev.sluice.cli;

import dev.sluice.app.Wiring;
import dev.sluice.config.PipelineConfigException;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.ServedPipelines;
import dev.sluice.db.Database;
import dev.sluice.pipeline.RunProgress;
import dev.sluice.schedule.PipelineFiles;
import dev.sluice.web.DashboardServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
@Command(
        name = "serve",
        description = "Run pipelines on their schedules and serve the dashboard and JSON API.",
        footer = {
            "",
            "Examples:",
            "  sluice serve --pipelines /etc/sluice/pipelines --bind 0.0.0.0",
            "  sluice serve --dashboard-only --port 8081"
        })
public final class ServeCommand implements Callable<Integer> {
    private final Wiring wiring;
    private final Terminal terminal;

    @Option(
            names = "--pipeline",
            paramLabel = "FILE|NAME",
            description = "A pipeline to schedule and show; repeat for several. Default: covid-us.")
    List<String> pipelines = new ArrayList<>();

    @Option(
            names = "--pipelines",
            paramLabel = "DIR",
            description = "A directory of pipeline files (*.yaml, *.yml): each is scheduled and shown, and files"
                    + " added, changed or removed are picked up without a restart (SLUICE_RELOAD_INTERVAL).")
    Optional<Path> directory = Optional.empty();

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
        DashboardServer.ensurePortFree(bind, port);
        PipelineFiles files = readPipelines();
        if (dashboardOnly) {
            Serving.dashboardUntilStopped(wiring, terminal, database.url(), files, bind, port);
            return 0;
        }
        Duration wait = shutdownTimeout
                .map(s -> Duration.ofSeconds(Math.max(1, s)))
                .orElse(wiring.settings().serve().shutdownTimeout());
        Database db = wiring.database(database.url());
        try {
            Serving.untilStopped(
                    wiring, terminal, db, wiring.pipeline(db, RunProgress.NONE), files, bind, port, wait, () -> {});
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return 0;
    }

    /**
     * The pipeline files, read once: a file named with {@code --pipeline} that cannot be read stops the start (as a
     * typo should), a directory's broken file is reported and the others are served.
     */
    private PipelineFiles readPipelines() {
        if (directory.isPresent() && !Files.isDirectory(directory.get())) {
            throw new PipelineConfigException(directory.get().toString(), 0, "--pipelines", "is not a directory");
        }
        List<String> refs =
                pipelines.isEmpty() && directory.isEmpty() ? List.of(PipelineFileReader.DEFAULT_PIPELINE) : pipelines;
        PipelineFiles files = new PipelineFiles(
                refs, directory, dashboardOnly ? wiring::readPipelineToShow : wiring::readPipeline, wiring.clock());
        ServedPipelines first = files.read();
        for (ServedPipelines.Unreadable file : first.unreadable()) {
            if (refs.contains(file.file())) {
                throw new PipelineConfigException(file.file(), 0, "name", file.problem());
            }
            terminal.err().println("sluice: " + file.problem());
        }
        return files;
    }
}
