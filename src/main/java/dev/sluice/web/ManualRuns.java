package dev.sluice.web;

import dev.sluice.config.PipelineSpec;

/** Starts a run of a pipeline in the background, for "run now"; the single-run lock applies as to every run. */
@FunctionalInterface
public interface ManualRuns {
    void start(PipelineSpec spec);
}
