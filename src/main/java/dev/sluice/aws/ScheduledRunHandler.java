package dev.sluice.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.Sleeper;
import dev.sluice.SluiceException;
import dev.sluice.app.Wiring;
import dev.sluice.config.PipelineSpec;
import dev.sluice.db.Database;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.history.RunJson;
import dev.sluice.pipeline.DeliveryPolicy;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.RunProgress;
import dev.sluice.settings.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sluice's Lambda function, {@code dev.sluice.aws.ScheduledRunHandler::handleRequest} on the Java 21 managed
 * runtime. An EventBridge {@code Scheduled Event} runs the pipelines of {@code SLUICE_PIPELINES}; {@code {"pipeline":
 * NAME, "force": BOOL}} runs that one now. Each run is {@code sluice run}'s: recorded, all or nothing, and its
 * notifications delivered before the handler returns (a function frozen after returning delivers nothing; what is
 * left stays in the outbox for the next invocation). The answer is the run's JSON (an array for several runs). A
 * FAILED run ends the invocation with an error, so that the on-failure destination and the {@code Errors} metric
 * see every failure; UNCHANGED and SKIPPED_LOCKED are successes.
 *
 * <p>One connection pool lives as long as the execution environment: Hikari validates a connection that sat
 * through a freeze before lending it and opens another when it is dead. A run cut off by the function's timeout
 * dies with its process, as under SIGKILL, and the next run records it as interrupted.
 */
public final class ScheduledRunHandler implements RequestStreamHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledRunHandler.class);
    /** Kept back from the function's deadline for recording the deliveries and answering. */
    static final Duration ANSWER_MARGIN = Duration.ofSeconds(3);

    private final Wiring wiring;
    private Database database;
    private Pipeline pipeline;
    private boolean readerAligned;

    /** Lambda's constructor: the function's environment, the system clock. */
    public ScheduledRunHandler() {
        this(System.getenv(), Clock.systemUTC());
    }

    /**
     * @throws SluiceException when the settings are bad or name no database: Lambda reports it as the function's
     *                         initialization error, and every invocation fails loudly until it is fixed
     */
    public ScheduledRunHandler(Map<String, String> environment, Clock clock) {
        // /tmp is the only writable place of a function: SLUICE_HOME and downloads default there.
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        Settings settings = Settings.read(environment, temp, temp);
        if (settings.database().jdbcUrl().isEmpty()
                && settings.aws().dbSecretArn().isEmpty()) {
            throw new SluiceException(
                    ErrorKind.CONFIG,
                    "a Lambda function has no embedded PostgreSQL: set SLUICE_DB_SECRET_ARN (or SLUICE_DB_URL)");
        }
        settings.warnings().forEach(warning -> LOG.warn("{}", warning));
        this.wiring = new Wiring(settings, clock, Sleeper.REAL, new SecureRandom());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Invocation invocation = Invocation.of(event(input.readAllBytes()));
        Instant deadline = wiring.clock()
                .instant()
                .plusMillis(context.getRemainingTimeInMillis())
                .minus(ANSWER_MARGIN);
        DeliveryPolicy delivery = DeliveryPolicy.waitUpTo(
                        wiring.settings().notifications().timeout())
                .endingBy(deadline);
        List<Run> runs = new ArrayList<>();
        for (PipelineSpec spec : pipelines(invocation.pipeline())) {
            Run run = pipeline().runAndDeliver(spec, invocation.request(), delivery);
            LOG.info("{}", RunJson.toJson(run));
            runs.add(run);
        }
        // The database was reached and migrated unless a run failed on it; the runs' other failures (a source
        // down) leave it usable, and the dashboard's role can be given its password all the same.
        if (runs.stream().noneMatch(run -> run.error().map(RunError::kind).orElse(null) == ErrorKind.DATABASE)) {
            alignReaderOnce();
        }
        List<Run> failed =
                runs.stream().filter(run -> run.status() == RunStatus.FAILED).toList();
        if (!failed.isEmpty()) {
            throw new SluiceException(
                    failed.get(0).error().map(RunError::kind).orElse(ErrorKind.INTERNAL),
                    failed.stream().map(ScheduledRunHandler::describe).collect(Collectors.joining("; ")));
        }
        JsonNode answer = runs.size() == 1 ? RunJson.toJson(runs.get(0)) : array(runs);
        output.write(RunJson.MAPPER.writeValueAsBytes(answer));
    }

    /**
     * Gives the dashboard's role the password of its secret, once per execution environment, after the runs have
     * reached (and migrated) the database. A failure here is logged, and does not change the runs' outcome.
     */
    private void alignReaderOnce() {
        if (readerAligned || wiring.settings().aws().readerSecretArn().isEmpty()) {
            return;
        }
        try {
            wiring.alignReaderPassword(database);
            readerAligned = true;
        } catch (SluiceException e) {
            LOG.warn("the dashboard's role keeps its password: {}", e.getMessage());
        }
    }

    private static JsonNode event(byte[] body) {
        try {
            JsonNode event = body.length == 0 ? null : RunJson.MAPPER.readTree(body);
            return event == null ? MissingNode.getInstance() : event;
        } catch (IOException e) {
            throw new SluiceException(ErrorKind.CONFIG, "sluice's function was invoked with an event that is not JSON");
        }
    }

    /** The function's pipelines, or the one of them asked for by its name or as configured. */
    private List<PipelineSpec> pipelines(Optional<String> asked) {
        List<String> configured = wiring.settings().aws().pipelines();
        List<PipelineSpec> specs = new ArrayList<>();
        for (String entry : configured) {
            PipelineSpec spec = wiring.readPipeline(entry);
            if (asked.isEmpty()
                    || asked.get().equals(spec.name())
                    || asked.get().equals(entry)) {
                specs.add(spec);
            }
        }
        if (specs.isEmpty()) {
            throw new SluiceException(
                    ErrorKind.CONFIG,
                    "the pipeline '" + asked.orElse("") + "' is not one of this function's (SLUICE_PIPELINES: "
                            + String.join(", ", configured) + ")");
        }
        return specs;
    }

    private synchronized Pipeline pipeline() {
        if (pipeline == null) {
            database = wiring.database(Optional.empty());
            pipeline = wiring.pipeline(database, RunProgress.NONE);
        }
        return pipeline;
    }

    private static String describe(Run run) {
        return run.pipeline() + " " + run.label() + " FAILED: "
                + run.error().map(RunError::describe).orElse("unknown error");
    }

    private static ArrayNode array(List<Run> runs) {
        ArrayNode array = RunJson.MAPPER.createArrayNode();
        runs.forEach(run -> array.add(RunJson.toJson(run)));
        return array;
    }

    /** Closes the pool (tests; Lambda ends the process instead). */
    @Override
    public synchronized void close() {
        if (database != null) {
            database.close();
            database = null;
            pipeline = null;
        }
    }
}
