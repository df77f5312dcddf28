package dev.sluice.cli;

import dev.sluice.app.Wiring;
import dev.sluice.config.PipelineSpec;
import dev.sluice.notify.DeliveryFailedException;
import dev.sluice.notify.Notification;
import dev.sluice.notify.NotificationChannel;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice notify test}: sends a sample notification through the pipeline's channels, right away (not through
 * the outbox), and says for each whether it was delivered. Exit 0 when all were, 1 otherwise.
 */
@Command(
        name = "test",
        description = "Send a test notification through the pipeline's channels.",
        footer = {"", "Examples:", "  sluice notify test --pipeline daily.yaml --channel team-mail"})
public final class NotifyTestCommand implements Callable<Integer> {
    private final Wiring wiring;
    private final Terminal terminal;

    @Mixin
    PipelineOption pipeline = new PipelineOption();

    @Option(names = "--channel", paramLabel = "NAME", description = "Only this channel.")
    String channel;

    public NotifyTestCommand(Wiring wiring, Terminal terminal) {
        this.wiring = wiring;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        PipelineSpec spec = wiring.readPipeline(pipeline.pipeline);
        Map<String, NotificationChannel> channels = wiring.channels(spec);
        if (channel != null && !channels.containsKey(channel)) {
            terminal.err().println("sluice: no channel named '" + channel + "'; channels: " + channels.keySet());
            return 2;
        }
        if (channels.isEmpty()) {
            terminal.out()
                    .println("no notification channel is configured for " + spec.name()
                            + "; only the log is told about runs");
            return 0;
        }
        Notification notification =
                Notification.test(spec.name(), wiring.clock().instant());
        int failures = 0;
        for (NotificationChannel target : channels.values()) {
            if (channel != null && !channel.equals(target.name())) {
                continue;
            }
            try {
                target.deliver(notification);
                terminal.out().println(target.name() + ": delivered");
            } catch (DeliveryFailedException e) {
                terminal.out().println(target.name() + ": FAILED: " + e.getMessage());
                failures++;
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
