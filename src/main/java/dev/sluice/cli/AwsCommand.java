package dev.sluice.cli;

import picocli.CommandLine.Command;

/** {@code sluice aws}: what deploying sluice on AWS needs from a pipeline. */
@Command(name = "aws", description = "Commands for deploying sluice on AWS.", mixinStandardHelpOptions = true)
public final class AwsCommand {}
