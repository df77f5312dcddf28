package dev.sluice.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One pipeline of the function: where it is read from (a bundled name, or a file shipped with the function) and its
 * schedule as EventBridge Scheduler writes it. The schedule is sluice's own conversion, asked of the function's
 * artifact ({@code java -jar sluice-lambda.jar aws schedule}), so the deployment and sluice never disagree on it.
 *
 * @param reference  the pipeline as the deployment names it: a bundled name or a file
 * @param name       the pipeline's name
 * @param file       the pipeline file to ship with the function; empty for a bundled pipeline
 * @param expression the EventBridge expression ({@code cron(0 19 * * ? *)})
 * @param timezone   the zone the expression is read in
 */
public record PipelineDeployment(
        String reference, String name, Optional<Path> file, String expression, String timezone) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a shipped pipeline file is inside the function's package (Lambda unpacks it in /var/task). */
    public String pathInFunction() {
        return file.map(f -> "/var/task/pipelines/" + f.getFileName()).orElse(reference);
    }

    /** The same in the dashboard's image. */
    public String pathInImage() {
        return file.map(f -> "/opt/sluice/pipelines/" + f.getFileName()).orElse(reference);
    }

    /**
     * Asks the artifact for the pipeline's name and schedule.
     *
     * @throws IllegalArgumentException when the pipeline cannot be read or has no schedule, with sluice's reason
     */
    public static PipelineDeployment lookUp(String reference, Path jar, Path base) {
        Path asFile = base.resolve(reference).normalize();
        Optional<Path> file = Files.isRegularFile(asFile) ? Optional.of(asFile) : Optional.empty();
        String argument = file.map(Path::toString).orElse(reference);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try {
            Path errors = Files.createTempFile("sluice-schedule", ".txt");
            Process process = new ProcessBuilder(
                            java.toString(), "-jar", jar.toString(), "aws", "schedule", "--pipeline", argument)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(errors.toFile())
                    .start();
            byte[] out = process.getInputStream().readAllBytes();
            boolean ended = process.waitFor(60, TimeUnit.SECONDS);
            String err = Files.readString(errors, StandardCharsets.UTF_8).trim();
            Files.delete(errors);
            if (!ended || process.exitValue() != 0) {
                throw new IllegalArgumentException("pipeline '" + reference + "': " + (err.isEmpty() ? "exit "
                        + process.exitValue() : err));
            }
            JsonNode schedule = JSON.readTree(out);
            return new PipelineDeployment(
                    reference,
                    schedule.get("pipeline").asText(),
                    file,
                    schedule.get("expression").asText(),
                    schedule.get("timezone").asText());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot ask " + jar + " for the schedule of " + reference, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
