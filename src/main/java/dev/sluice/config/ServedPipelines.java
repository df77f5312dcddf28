package dev.sluice.config;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The pipelines a serving process runs and shows, as last read from their files, and the files it could not read: a
 * snapshot, replaced whole when the files change.
 *
 * @param pipelines  by name, in the order their files were read
 * @param unreadable the files that could not be read this time, with why
 */
public record ServedPipelines(List<PipelineSpec> pipelines, List<Unreadable> unreadable) {
    /**
     * A pipeline file that could not be read.
     *
     * @param file      where it is
     * @param problem   why, as {@code sluice check} says it (file, line, field)
     * @param since     when it was first found so
     * @param stillRuns the pipeline this file defined before it broke, which goes on running as it was read then
     */
    public record Unreadable(String file, String problem, Instant since, Optional<String> stillRuns) {
        public Unreadable {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(stillRuns, "stillRuns");
        }
    }

    public ServedPipelines {
        pipelines = List.copyOf(pipelines);
        unreadable = List.copyOf(unreadable);
    }

    /** A fixed set: pipelines read once, none unreadable. */
    public static ServedPipelines of(List<PipelineSpec> pipelines) {
        return new ServedPipelines(pipelines, List.of());
    }

    public Optional<PipelineSpec> find(String name) {
        return pipelines.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The pipelines by name. */
    public Map<String, PipelineSpec> byName() {
        Map<String, PipelineSpec> byName = new LinkedHashMap<>();
        pipelines.forEach(p -> byName.put(p.name(), p));
        return byName;
    }
}
