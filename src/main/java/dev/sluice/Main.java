package dev.sluice;

import ch.qos.logback.classic.Level;
import dev.sluice.app.Wiring;
import dev.sluice.cli.AwsCommand;
import dev.sluice.cli.AwsScheduleCommand;
import dev.sluice.cli.BackfillCommand;
import dev.sluice.cli.CheckCommand;
import dev.sluice.cli.CompletionCommand;
import dev.sluice.cli.DbtSourcesCommand;
import dev.sluice.cli.DemoCommand;
import dev.sluice.cli.HistoryCommand;
import dev.sluice.cli.InitCommand;
import dev.sluice.cli.MigrateCommand;
import dev.sluice.cli.NotifyCommand;
import dev.sluice.cli.NotifyTestCommand;
import dev.sluice.cli.RunCommand;
import dev.sluice.cli.ServeCommand;
import dev.sluice.cli.StatusCommand;
import dev.sluice.cli.Terminal;
import dev.sluice.cli.VersionText;
import dev.sluice.settings.Settings;
import dev.sluice.settings.SettingsException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sluice} command: reads the settings once, builds the object graph ({@link Wiring}) and hands it to one
 * class per command. Exit codes: 0 success, 1 failure, 2 usage or configuration error, 3 skipped.
 */
@Command(
        name = "sluice",
        mixinStandardHelpOptions = true,
        // --help and --version on every command, added or not through addSubcommand.
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = VersionText.class,
        subcommands = CommandLine.HelpCommand.class,
        description = "Daily CSV-to-PostgreSQL ETL: download, validate, merge, upsert only what changed.",
        footer = {
            "",
            "Start with:",
            "  sluice run                          # covid-us into an embedded PostgreSQL",
            "  sluice init https://example.org/daily.csv --out daily.yaml",
            "  sluice help run                     # any command's options, with an example"
        })
public final class Main {
    private final Map<String, String> env;
    private final Clock clock;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;

    public Main(Map<String, String> env, Clock clock, PrintStream out, PrintStream err, boolean interactive) {
        this.env = Map.copyOf(env);
        this.clock = clock;
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    public static void main(String[] args) {
        Main main = new Main(System.getenv(), Clock.systemUTC(), System.out, System.err, System.console() != null);
        int exitCode = main.execute(args);
        endHttpClientSelectors();
        System.exit(exitCode);
    }

    /**
     * JDK 17's HttpClient has no close(); its selector thread waits in epoll, and HotSpot's exit waits up to 300 ms
     * for threads in native code to settle. Interrupting the selector ends it at once (measured: a run that used
     * HTTP exits 0.3 s sooner). Called only when no HTTP request can be in flight any more.
     */
    private static void endHttpClientSelectors() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("HttpClient-") && thread.getName().endsWith("-SelectorManager")) {
                thread.interrupt();
                try {
                    thread.join(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public int execute(String... args) {
        Settings settings;
        try {
            settings = Settings.read(
                    env, Path.of(System.getProperty("user.home")), Path.of(System.getProperty("java.io.tmpdir")));
        } catch (SettingsException e) {
            err.println("sluice: " + e.getMessage());
            return 2;
        }
        settings.warnings().forEach(warning -> err.println("sluice: warning: " + warning));
        settings.logLevel().ifPresent(level -> setLogLevel(Level.toLevel(level.name())));
        Wiring wiring = new Wiring(settings, clock, Sleeper.REAL, new SecureRandom());
        Terminal terminal = new Terminal(out, err, interactive, () -> {
            if (settings.logLevel().isEmpty()) {
                setLogLevel(Level.WARN);
            }
        });
        CommandLine cli = new CommandLine(this)
                .addSubcommand("run", new RunCommand(wiring, terminal))
                .addSubcommand("history", new HistoryCommand(wiring, terminal))
                .addSubcommand("status", new StatusCommand(wiring, terminal))
                .addSubcommand("backfill", new BackfillCommand(wiring, terminal))
                .addSubcommand("check", new CheckCommand(wiring, terminal))
                .addSubcommand("init", new InitCommand(wiring, terminal))
                .addSubcommand("dbt-sources", new DbtSourcesCommand(wiring, terminal))
                .addSubcommand("migrate", new MigrateCommand(wiring, terminal))
                .addSubcommand("serve", new ServeCommand(wiring, terminal))
                .addSubcommand("demo", new DemoCommand(wiring, terminal))
                .addSubcommand(
                        "aws",
                        new CommandLine(new AwsCommand()).addSubcommand("schedule", new AwsScheduleCommand(terminal)))
                .addSubcommand(
                        "notify",
                        new CommandLine(new NotifyCommand())
                                .addSubcommand("test", new NotifyTestCommand(wiring, terminal)))
                .addSubcommand("completion", new CompletionCommand())
                .setCaseInsensitiveEnumValuesAllowed(true);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof SluiceException failure) {
                err.println("sluice: " + failure.getMessage());
                LoggerFactory.getLogger(Main.class).debug("{} failed", commandLine.getCommandName(), failure);
                return failure.kind() == ErrorKind.CONFIG ? 2 : 1;
            }
            // Not a mistake of the user's: a defect. One line, and the whole trace where it was asked for.
            LoggerFactory.getLogger(Main.class).debug("{} failed", commandLine.getCommandName(), e);
            err.println("sluice: unexpected error: " + e
                    + (settings.logLevel().isPresent()
                            ? ""
                            : " (a defect of sluice: please report it with what SLUICE_LOG_LEVEL=DEBUG prints)"));
            return 1;
        });
        return cli.execute(args);
    }

    private static void setLogLevel(Level level) {
        if (LoggerFactory.getLogger("dev.sluice") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(level);
        }
    }
}
