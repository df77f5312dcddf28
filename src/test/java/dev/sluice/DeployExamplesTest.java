package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.settings.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes examples say what sluice does: the Deployment serves the ConfigMap's directory of pipeline files,
 * each of which passes {@code sluice check}; every variable it sets is a sluice setting; its probes are the
 * service's health endpoints; the disruption budget and the Service select its pods.
 */
class DeployExamplesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static Map<String, JsonNode> documents(String file) throws IOException {
        Map<String, JsonNode> byKind = new HashMap<>();
        try (var parser = YAML.getFactory()
                .createParser(Path.of("deploy/kubernetes", file).toFile())) {
            YAML.readValues(parser, JsonNode.class)
                    .forEachRemaining(doc -> byKind.put(doc.get("kind").asText(), doc));
        }
        return byKind;
    }

    @Test
    void the_serve_deployment_schedules_a_configmap_of_pipeline_files_that_check_accepts(@TempDir Path dir)
            throws IOException {
        Map<String, JsonNode> docs = documents("serve.yaml");
        assertThat(docs).containsKeys("ConfigMap", "Deployment", "PodDisruptionBudget", "Service");

        JsonNode pod = docs.get("Deployment").at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        List<String> args = new ArrayList<>();
        container.get("args").forEach(a -> args.add(a.asText()));
        assertThat(args).startsWith("serve");
        String directory = args.get(args.indexOf("--pipelines") + 1);
        JsonNode mount = find(container.get("volumeMounts"), "mountPath", directory);
        JsonNode volume = find(pod.get("volumes"), "name", mount.get("name").asText());
        assertThat(volume.at("/configMap/name").asText())
                .isEqualTo(docs.get("ConfigMap").at("/metadata/name").asText());

        PipelineFileReader reader = new PipelineFileReader(Trust.none());
        docs.get("ConfigMap").get("data").properties().forEach(file -> {
            PipelineSpec spec = reader.parse(file.getKey(), file.getValue().asText(), Optional.empty());
            assertThat(file.getKey()).isEqualTo(spec.name() + ".yaml");
            assertThat(spec.schedule()).as(file.getKey() + " has a schedule").isPresent();
        });

        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
        JsonNode labels = docs.get("Deployment").at("/spec/template/metadata/labels");
        assertThat(docs.get("PodDisruptionBudget").at("/spec/selector/matchLabels"))
                .isEqualTo(labels);
        assertThat(docs.get("Service").at("/spec/selector")).isEqualTo(labels);
        assertThat(settingsWarnings(container.get("env"), dir)).isEmpty();
    }

    @Test
    void the_cronjob_sets_only_sluice_settings(@TempDir Path dir) throws IOException {
        JsonNode container =
                documents("cronjob.yaml").get("CronJob").at("/spec/jobTemplate/spec/template/spec/containers/0");
        assertThat(settingsWarnings(container.get("env"), dir)).isEmpty();
    }

    /**
     * The cron line run by the shell cron uses, with the environment file and the launcher replaced by stand-ins:
     * what the file sets must reach sluice's environment (exported), or sluice would quietly use an embedded
     * database.
     */
    @Test
    void the_cron_job_exports_its_environment_file_to_sluice(@TempDir Path dir) throws Exception {
        String line = Files.readAllLines(Path.of("deploy/cron/sluice.cron")).stream()
                .filter(l -> !l.startsWith("#") && l.contains("/opt/sluice/bin/sluice"))
                .findFirst()
                .orElseThrow();
        String[] fields = line.split("\\s+", 7);
        assertThat(fields[5]).as("the user field of /etc/cron.d").isEqualTo("sluice");
        String command = fields[6];
        Path env = dir.resolve("env");
        Files.writeString(env, "SLUICE_DB_URL=postgres://etl@db/sales\n");
        Path launcher = dir.resolve("sluice");
        Files.writeString(launcher, "#!/bin/sh\necho \"SLUICE_DB_URL=$SLUICE_DB_URL\"\n");
        assertThat(launcher.toFile().setExecutable(true)).isTrue();
        String stood = command.replace("/etc/sluice/env", env.toString())
                .replace("/opt/sluice/bin/sluice", launcher.toString())
                .replace("| logger -t sluice", "");
        Process shell = new ProcessBuilder("/bin/sh", "-c", stood)
                .redirectErrorStream(true)
                .start();
        String out = new String(shell.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(shell.waitFor()).as(out).isZero();
        assertThat(out.strip()).isEqualTo("SLUICE_DB_URL=postgres://etl@db/sales");
    }

    /** Reads the container's variables as sluice does; a misspelt one is a warning. Secret files are stand-ins. */
    private static List<String> settingsWarnings(JsonNode env, Path dir) throws IOException {
        Map<String, String> variables = new HashMap<>();
        for (JsonNode variable : env) {
            String name = variable.get("name").asText();
            // A value from a Secret is unknown here: a stand-in of the right shape.
            String value = variable.has("value")
                    ? variable.get("value").asText()
                    : name.endsWith("_URL") ? "https://example.org/from-a-secret" : "from-a-secret";
            if (name.endsWith("_FILE")) {
                Path file = dir.resolve(name);
                Files.writeString(file, "a-secret-value");
                value = file.toString();
            }
            variables.put(name, value);
        }
        return Settings.read(variables, dir, dir).warnings();
    }

    private static JsonNode find(JsonNode list, String field, String value) {
        for (JsonNode item : list) {
            if (item.path(field).asText().equals(value)) {
                return item;
            }
        }
        throw new AssertionError("no item with " + field + " " + value + " in " + list);
    }
}
