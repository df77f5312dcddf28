package dev.sluice.cli;

import dev.sluice.config.PipelineConfigException;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.schedule.PipelineFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code --pipeline} values of the commands that take several: a directory stands for its pipeline files. */
final class PipelineReferences {
    private PipelineReferences() {}

    /** Files and names as given, directories expanded in name order; none given is the bundled default. */
    static List<String> expand(List<String> pipelines) {
        if (pipelines.isEmpty()) {
            return List.of(PipelineFileReader.DEFAULT_PIPELINE);
        }
        List<String> references = new ArrayList<>();
        for (String reference : pipelines) {
            Path path = Path.of(reference);
            if (!Files.isDirectory(path)) {
                references.add(reference);
                continue;
            }
            try {
                List<String> files = PipelineFiles.filesIn(path);
                if (files.isEmpty()) {
                    throw new PipelineConfigException(reference, 0, "--pipeline", "holds no *.yaml or *.yml file");
                }
                references.addAll(files);
            } catch (IOException e) {
                throw new PipelineConfigException(reference, 0, "--pipeline", "cannot be listed: " + e.getMessage());
            }
        }
        return references;
    }
}
