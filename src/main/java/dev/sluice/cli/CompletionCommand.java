package dev.sluice.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice completion bash|zsh}: a completion script for every command and option, generated from the
 * command line itself so it never falls behind. picocli's script serves zsh too, through bashcompinit, which it
 * loads when it finds itself in zsh.
 */
@Command(
        name = "completion",
        description = "Print a shell completion script for sluice's commands and options.",
        footer = {
            "",
            "Examples:",
            "  source <(sluice completion bash)       # this shell",
            "  sluice completion bash > /etc/bash_completion.d/sluice",
            "  sluice completion zsh > \"$${fpath[1]}/_sluice\""
        })
public final class CompletionCommand implements Callable<Integer> {
    /** Spelled as typed on the command line. */
    enum Shell {
        bash,
        zsh
    }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh")
    Shell shell;

    @Override
    public Integer call() {
        spec.commandLine()
                .getOut()
                .print(AutoComplete.bash("sluice", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
