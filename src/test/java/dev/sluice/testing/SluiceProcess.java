package dev.sluice.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code java -jar target/sluice.jar ...} as a separate process, the way users and scripts do. */
public final class SluiceProcess {
    /** What a finished process left. */
    public record Result(int exitCode, String stdout, String stderr) {}

    private SluiceProcess() {}

    public static Path jar() {
        Path jar = Path.of("target", "sluice.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    "run the integration tests with mvn verify: " + jar + " is built by package");
        }
        return jar;
    }

    public static Process start(Map<String, String> env, Path outFile, Path errFile, String... args) {
        return start(List.of(), env, outFile, errFile, args);
    }

    /** The same with JVM options before {@code -jar} (a trust store, say). */
    public static Process start(
            List<String> jvmOptions, Map<String, String> env, Path outFile, Path errFile, String... args) {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("SLUICE_"));
        builder.environment().putAll(env);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Result run(Map<String, String> env, String... args) {
        return run(List.of(), env, args);
    }

    public static Result run(List<String> jvmOptions, Map<String, String> env, String... args) {
        try {
            Path out = Files.createTempFile("sluice-out", ".txt");
            Path err = Files.createTempFile("sluice-err", ".txt");
            Process process = start(jvmOptions, env, out, err, args);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("sluice did not finish within 120 s: " + List.of(args));
            }
            Result result = new Result(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static final Pattern LISTENING = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)/");

    /** Waits (at most 60 s) for a {@code sluice serve} started with {@code --port 0} to say where it listens. */
    public static int awaitPort(Process serve, Path out, Path err) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(out));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!serve.isAlive()) {
                throw new AssertionError("serve exited: " + Files.readString(err));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("serve did not start: " + Files.readString(err));
    }
}
