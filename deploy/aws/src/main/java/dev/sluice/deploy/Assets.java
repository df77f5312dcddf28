package dev.sluice.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The directories CDK packs: the function's (the artifact in {@code lib/}, where Lambda's Java runtime puts jars on
 * the class path, and the pipeline files in {@code pipelines/}) and the dashboard image's (a Dockerfile, the full
 * jar and the same pipeline files). Made afresh on every synthesis, so what is deployed is what was built.
 */
final class Assets {
    private Assets() {}

    static Path function(Path root, Path jar, List<PipelineDeployment> pipelines) {
        Path dir = fresh(root.resolve("function"));
        copy(jar, dir.resolve("lib").resolve("sluice-lambda.jar"));
        shipPipelines(dir, pipelines);
        return dir;
    }

    static Path dashboard(Path root, Path jar, List<PipelineDeployment> pipelines) {
        Path dir = fresh(root.resolve("dashboard"));
        copy(jar, dir.resolve("sluice.jar"));
        shipPipelines(dir, pipelines);
        write(
                dir.resolve("Dockerfile"),
                """
                # Made by deploy/aws: the dashboard alone (serve --dashboard-only), reading as sluice_reader.
                FROM eclipse-temurin:17-jre
                RUN useradd --uid 10001 --create-home --home-dir /var/lib/sluice sluice
                COPY sluice.jar /opt/sluice/sluice.jar
                COPY pipelines/ /opt/sluice/pipelines/
                USER sluice
                ENV SLUICE_HOME=/var/lib/sluice
                EXPOSE 8080
                ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/sluice/sluice.jar"]
                """);
        return dir;
    }

    private static void shipPipelines(Path dir, List<PipelineDeployment> pipelines) {
        Path target = dir.resolve("pipelines");
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (PipelineDeployment pipeline : pipelines) {
            pipeline.file().ifPresent(file -> {
                Path shipped = target.resolve(file.getFileName());
                if (Files.exists(shipped)) {
                    throw new IllegalArgumentException(
                            "two pipeline files are named " + file.getFileName() + ": rename one");
                }
                copy(file, shipped);
            });
        }
    }

    private static Path fresh(Path dir) {
        try {
            if (Files.exists(dir)) {
                try (var walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
