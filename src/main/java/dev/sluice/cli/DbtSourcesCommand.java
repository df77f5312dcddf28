package dev.sluice.cli;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.app.Wiring;
import dev.sluice.catalog.DbtSources;
import dev.sluice.config.PipelineSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice dbt-sources}: a dbt {@code sources.yml} describing the pipelines' tables. */
@Command(
        name = "dbt-sources",
        description = "Write a dbt sources.yml for the pipelines' tables: columns, types, descriptions, tests,"
                + " loaded_at_field and freshness where the pipelines say.",
        footer = {
            "",
            "Examples:",
            "  sluice dbt-sources --pipeline pipelines/ --out models/staging/sluice_sources.yml",
            "  sluice dbt-sources --pipeline daily.yaml       # to stdout"
        })
public final class DbtSourcesCommand implements Callable<Integer> {
    private final Wiring wiring;
    private final Terminal terminal;

    @Option(
            names = "--pipeline",
            paramLabel = "FILE|NAME|DIR",
            description = "A pipeline, or a directory of pipeline files; repeat for several. Default: covid-us.")
    List<String> pipelines = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE", description = "write here (default: stdout); replaced if it exists")
    Optional<Path> out = Optional.empty();

    public DbtSourcesCommand(Wiring wiring, Terminal terminal) {
        this.wiring = wiring;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        // Read as the dashboard reads them: no secret of theirs is resolved, since none is needed to describe them.
        List<PipelineSpec> specs = PipelineReferences.expand(pipelines).stream()
                .map(wiring::readPipelineToShow)
                .toList();
        String yaml = DbtSources.write(specs);
        if (out.isEmpty()) {
            terminal.out().print(yaml);
            return 0;
        }
        try {
            Files.writeString(out.get(), yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SluiceException(ErrorKind.LOCAL_IO, "cannot write " + out.get() + ": " + e.getMessage(), e);
        }
        terminal.err().println("wrote " + out.get() + " (" + specs.size() + " tables)");
        return 0;
    }
}
