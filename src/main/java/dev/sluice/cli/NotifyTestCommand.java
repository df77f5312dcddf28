package dev.sluice.cli;

import dev.sluice.RunStatus;
import dev.sluice.config.PipelineSpec;
import dev.sluice.history.Run;
import dev.sluice.history.SourceSummary;
import dev.sluice.history.Trigger;
import dev.sluice.notify.DeliveryFailedException;
import dev.sluice.notify.Notification;
import dev.sluice.notify.NotificationChannel;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice notify test}: sends a sample notification through the pipeline's channels, right away (not through
 * the outbox), and says for each whether it was delivered. Exit 0 when all were, 1 otherwise.
 */
@Command(name = "test", description = "Send a test notification through the pipeline's channels.")
public final class NotifyTestCommand implements Callable<Integer> {
    private final Services services;

    @Mixin
    PipelineOption pipeline = new PipelineOption();

    @Option(names = "--channel", paramLabel = "NAME", description = "Only this channel.")
    String channel;

    public NotifyTestCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() {
        PipelineSpec spec = services.readPipeline(pipeline.pipeline);
        Map<String, NotificationChannel> channels = services.channels(spec);
        if (channel != null && !channels.containsKey(channel)) {
            services.err().println("sluice: no channel named '" + channel + "'; channels: " + channels.keySet());
            return 2;
        }
        if (channels.isEmpty()) {
            services.out().println("no notification channel is configured for " + spec.name()
                    + "; only the log is told about runs");
            return 0;
        }
        Instant now = services.clock().instant();
        Run sample = new Run(Run.UNRECORDED, spec.name(), Trigger.MANUAL, RunStatus.SUCCEEDED, now, Optional.of(now), 0, 0, 0,
                Map.of("example", new SourceSummary("https://example.org/data.csv", 0, 0, "-", null, false)),
                List.of("this is a test notification; nothing was loaded"), Optional.empty(), 0, List.of());
        Notification notification = new Notification(sample, List.of(), 0, true);
        int failures = 0;
        for (NotificationChannel target : channels.values()) {
            if (channel != null && !channel.equals(target.name())) {
                continue;
            }
            try {
                target.deliver(notification);
                services.out().println(target.name() + ": delivered");
            } catch (DeliveryFailedException e) {
                services.out().println(target.name() + ": FAILED: " + e.getMessage());
                failures++;
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
