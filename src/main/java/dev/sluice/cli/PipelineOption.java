package dev.sluice.cli;

import dev.sluice.config.PipelineFileReader;
import picocli.CommandLine.Option;

/** {@code --pipeline FILE|NAME}, shared by the commands that read a pipeline. */
public final class PipelineOption {
    @Option(
            names = "--pipeline",
            paramLabel = "FILE|NAME",
            defaultValue = PipelineFileReader.DEFAULT_PIPELINE,
            description = "A pipeline file, or a bundled pipeline's name (covid-us, us-counties). "
                    + "Default: ${DEFAULT-VALUE}.")
    String pipeline;
}
