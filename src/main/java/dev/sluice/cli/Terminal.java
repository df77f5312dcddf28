package dev.sluice.cli;

import java.io.PrintStream;

/**
 * Where a command talks to its user: results on {@code out} (the JSON of a run is the only thing there with
 * {@code --json}), everything else on {@code err}.
 *
 * @param interactive whether a person is watching: progress and a readable summary instead of one machine-readable
 *                    line
 * @param quietLogs   raises sluice's log level to WARN unless the operator chose one: on a terminal the progress line
 *                    and the summary say what INFO logs would, and interleaved log lines would garble them
 */
public record Terminal(PrintStream out, PrintStream err, boolean interactive, Runnable quietLogs) {}
