package dev.sluice.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The packaged function, {@code target/sluice-lambda.jar}, started the way Lambda's Java runtime starts it: AWS's
 * runtime interface client in a JVM of its own, with the managed runtime's start-up options, polling the Runtime
 * API at {@code AWS_LAMBDA_RUNTIME_API} for events. Its classpath needs the client's jars beside this class (the
 * tests', the benchmark's).
 */
public final class LambdaFunction {
    public static final String HANDLER = "dev.sluice.aws.ScheduledRunHandler::handleRequest";
    private static final String CLIENT = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    private LambdaFunction() {}

    public static Path jar() {
        Path jar = Path.of("target", "sluice-lambda.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("mvn package builds " + jar);
        }
        return jar;
    }

    /** A new execution environment: no {@code SLUICE_*} or {@code AWS_*} variable but the function's own. */
    public static Process start(LambdaRuntimeApi runtime, Map<String, String> environment, Path out, Path err) {
        String classpath = String.join(
                File.pathSeparator,
                jar().toString(),
                jarOf(CLIENT),
                jarOf("com.amazonaws.services.lambda.runtime.serialization.util.ReflectUtil"));
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        // The Java managed runtime's own start-up options.
                        "-XX:+TieredCompilation",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        classpath,
                        CLIENT,
                        HANDLER)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("SLUICE_") || k.startsWith("AWS_"));
        builder.environment()
                .putAll(Map.of(
                        "AWS_LAMBDA_RUNTIME_API", runtime.address(),
                        "AWS_LAMBDA_FUNCTION_NAME", "sluice",
                        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024",
                        "AWS_REGION", "eu-west-1"));
        builder.environment().putAll(environment);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String jarOf(String className) {
        try {
            return Path.of(Class.forName(className, false, LambdaFunction.class.getClassLoader())
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (ClassNotFoundException | URISyntaxException e) {
            throw new IllegalStateException("the Lambda runtime interface client is not on the classpath", e);
        }
    }
}
