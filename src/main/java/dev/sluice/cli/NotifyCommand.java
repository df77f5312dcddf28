package dev.sluice.cli;

import picocli.CommandLine.Command;

/** {@code sluice notify}: the notification commands. */
@Command(name = "notify", description = "Notification commands.", mixinStandardHelpOptions = true)
public final class NotifyCommand {}
