import dev.sluice.testing.LambdaFunction;
import dev.sluice.testing.LambdaRuntimeApi;
import dev.sluice.testing.SourceServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The function's cold start and warm invocations, covid-us on the real files served over loopback, the packaged
 * jar started by AWS's runtime interface client against a loopback Runtime API (bench/lambda.sh runs it). For each
 * repetition, one line per step: NAME init_ms invoke_ms peak_rss_kb.
 *
 *   cold_new        a new execution environment and an empty database: start-up, migrations, the first load
 *   warm_forced     the same environment, run-now with force: every row compared, none written
 *   warm_unchanged  the same environment, the scheduled event with nothing changed: UNCHANGED
 *   cold            a new execution environment, the database there, run-now with force (the daily case: a day
 *                   later the environment is long gone)
 *
 * Usage: java -cp target/test-classes:CLIENT_JARS bench/FunctionTimes.java DB_URL NYT JHU WORK_DIR (DB_URL: an
 * empty database, which the first invocation migrates)
 */
public final class FunctionTimes {
    private static final String SCHEDULED =
            "{\"detail-type\": \"Scheduled Event\", \"source\": \"aws.scheduler\"," + " \"detail\": {}}";
    private static final String FORCED = "{\"pipeline\": \"covid-us\", \"force\": true}";

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[3]);
        Files.createDirectories(work);
        try (SourceServer sources = new SourceServer()) {
            sources.serveFile("/nyt.csv", Path.of(args[1])).serveFile("/jhu.csv", Path.of(args[2]));
            Path pipeline = work.resolve("covid-us.yaml");
            Files.writeString(pipeline, sources.covidUsPipeline());
            Map<String, String> environment = Map.of(
                    "SLUICE_DB_URL", args[0],
                    "SLUICE_PIPELINES", pipeline.toString(),
                    "SLUICE_HOME", work.resolve("home").toString(),
                    "SLUICE_TMPDIR", work.resolve("tmp").toString());
            try (LambdaRuntimeApi runtime = new LambdaRuntimeApi()) {
                Started first = start(runtime, environment, work);
                step("cold_new", first, invoke(runtime, SCHEDULED, "SUCCEEDED"), first.initMillis());
                step("warm_forced", first, invoke(runtime, FORCED, "SUCCEEDED"), 0);
                step("warm_unchanged", first, invoke(runtime, SCHEDULED, "UNCHANGED"), 0);
                first.stop();
            }
            try (LambdaRuntimeApi runtime = new LambdaRuntimeApi()) {
                Started cold = start(runtime, environment, work);
                step("cold", cold, invoke(runtime, FORCED, "SUCCEEDED"), cold.initMillis());
                cold.stop();
            }
        }
    }

    private record Started(Process process, long startNanos, long firstPollNanos) {
        long initMillis() {
            return (firstPollNanos - startNanos) / 1_000_000;
        }

        /** Peak resident memory of the function's JVM, kB (VmHWM). */
        long peakRssKb() throws Exception {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            return 0;
        }

        void stop() throws Exception {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static Started start(LambdaRuntimeApi runtime, Map<String, String> environment, Path work)
            throws Exception {
        long started = System.nanoTime();
        Process process =
                LambdaFunction.start(runtime, environment, work.resolve("function.out"), work.resolve("function.err"));
        long polled = runtime.firstPoll().get(2, TimeUnit.MINUTES);
        return new Started(process, started, polled);
    }

    private static LambdaRuntimeApi.Outcome invoke(LambdaRuntimeApi runtime, String event, String status)
            throws Exception {
        LambdaRuntimeApi.Outcome outcome =
                runtime.invoke(event, Duration.ofMinutes(5)).get(5, TimeUnit.MINUTES);
        if (outcome.failed() || !outcome.body().contains("\"status\":\"" + status + "\"")) {
            throw new IllegalStateException("expected " + status + ", the function answered " + outcome.body());
        }
        return outcome;
    }

    private static void step(String name, Started function, LambdaRuntimeApi.Outcome outcome, long initMillis)
            throws Exception {
        System.out.println(name + " " + initMillis + " " + outcome.millis() + " " + function.peakRssKb());
    }
}
