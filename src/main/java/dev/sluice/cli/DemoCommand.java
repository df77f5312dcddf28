package dev.sluice.cli;

import dev.sluice.RunStatus;
import dev.sluice.app.Wiring;
import dev.sluice.config.PipelineSpec;
import dev.sluice.db.Database;
import dev.sluice.demo.Demo;
import dev.sluice.history.Run;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.RunProgress;
import dev.sluice.schedule.PipelineFiles;
import dev.sluice.web.DashboardServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice demo}: the whole system offline, on synthetic data, in its own embedded database under
 * {@code $SLUICE_HOME/demo} (recreated each time, so real and synthetic data never mix), then the dashboard.
 */
@Command(
        name = "demo",
        description =
                "Show the whole system offline: synthetic sources, several simulated days," + " then the dashboard.",
        footer = {
            "",
            "Examples:",
            "  sluice demo                         # then open http://127.0.0.1:8080",
            "  sluice demo --port 0 --days 3"
        })
public final class DemoCommand implements Callable<Integer> {
    private final Wiring wiring;
    private final Terminal terminal;

    @Option(
            names = "--days",
            defaultValue = "7",
            description = "Simulated days (default ${DEFAULT-VALUE}, at least 7: the last two show a feed going"
                    + " late and fresh again).")
    int days;

    @Option(names = "--port", defaultValue = "8080", description = "Dashboard port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Dashboard address (default ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--no-serve", description = "Run the simulated days and exit, without the dashboard.")
    boolean noServe;

    public DemoCommand(Wiring wiring, Terminal terminal) {
        this.wiring = wiring;
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (!noServe) {
            DashboardServer.ensurePortFree(bind, port);
        }
        Demo simulation = new Demo(Math.max(7, days));
        Wiring demo = wiring.isolatedAt(freshHome(), simulation.clock());
        Database db = demo.database(Optional.empty());
        try {
            PipelineSpec spec = simulation.pipeline(wiring.readPipeline("covid-us"));
            Pipeline pipeline = demo.pipeline(db, RunProgress.NONE);
            terminal.out().println("sluice demo: synthetic sources on loopback; the dashboard marks them synthetic");
            List<Demo.Day> results = simulation.simulate(pipeline, spec, this::print);
            boolean asExpected = results.stream().allMatch(d -> d.run().status() == Demo.expected(d.number()));
            if (noServe) {
                db.close();
                simulation.close();
                return asExpected ? 0 : 1;
            }
            PipelineFiles served =
                    new PipelineFiles(List.of(spec.name()), Optional.empty(), name -> spec, demo.clock());
            served.read();
            Serving.untilStopped(demo, terminal, db, pipeline, served, bind, port, Duration.ofSeconds(30), simulation);
            return 0;
        } catch (RuntimeException e) {
            db.close();
            simulation.close();
            throw e;
        }
    }

    private void print(Demo.Day day) {
        Run run = day.run();
        String outcome = run.status() == RunStatus.FAILED
                ? "FAILED "
                        + run.error().map(e -> e.kind() + ": " + e.message()).orElse("")
                : String.format(
                        Locale.ROOT,
                        "%s %,d inserted, %,d updated, %,d unchanged",
                        run.status(),
                        run.inserted(),
                        run.updated(),
                        run.unchanged());
        String notified = day.notificationsReceived().isEmpty() ? "" : " (notified the demo inbox)";
        if (!day.lateSources().isEmpty()) {
            notified = "; late: " + String.join(", ", day.lateSources()) + notified;
        }
        terminal.out()
                .printf(
                        Locale.ROOT,
                        "  day %d, files through %s: %s%s%n",
                        day.number(),
                        day.publishedThrough(),
                        outcome,
                        notified);
    }

    /** {@code $SLUICE_HOME/demo}, emptied: the demo starts from nothing every time, so it always shows the same. */
    private Path freshHome() {
        Path home = wiring.settings().home().resolve("demo");
        if (Files.exists(home.resolve("pg").resolve("postmaster.pid"))) {
            throw new dev.sluice.config.PipelineConfigException(
                    home.toString(), 0, "", "a demo is already running with this SLUICE_HOME; stop it first");
        }
        try (Stream<Path> files = Files.exists(home) ? Files.walk(home) : Stream.empty()) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
            return Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
