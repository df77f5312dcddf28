package dev.sluice.schedule;

import dev.sluice.config.PipelineSpec;
import dev.sluice.history.Run;
import dev.sluice.history.Trigger;
import dev.sluice.notify.NotificationDispatcher;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.RunRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code sluice serve} keeps running: scheduled runs, manual runs, and a loop that delivers pending
 * notifications (retries, and leftovers of {@code sluice run} processes). Every run, whatever started it, goes
 * through {@link Pipeline#run}, so the single-run lock applies to all of them.
 *
 * <p>Shutting down waits for runs in progress to finish; past the wait, their database connections are aborted,
 * so each rolls back and is recorded as failed rather than left half done.
 */
public final class PipelineService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineService.class);
    private static final Duration DELIVERY_INTERVAL = Duration.ofSeconds(15);
    private static final Duration RECORD_AFTER_ABORT = Duration.ofSeconds(15);

    private final Pipeline pipeline;
    private final Map<String, NotificationDispatcher> dispatchers;
    private final Duration shutdownWait;
    private final ExecutorService manualRuns = Executors.newSingleThreadExecutor(daemon("sluice-manual-run"));
    private final ScheduledExecutorService deliveries = Executors.newSingleThreadScheduledExecutor(
            daemon("sluice-deliveries"));
    private PipelineScheduler scheduler;

    public PipelineService(Pipeline pipeline, Map<String, NotificationDispatcher> dispatchers, Duration shutdownWait) {
        this.pipeline = pipeline;
        this.dispatchers = Map.copyOf(dispatchers);
        this.shutdownWait = shutdownWait;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    public void start(DataSource dataSource, List<PipelineSpec> pipelines) {
        scheduler = PipelineScheduler.start(dataSource, pipelines, spec -> run(spec, Trigger.SCHEDULE), shutdownWait);
        deliveries.scheduleWithFixedDelay(this::deliverPending, 0, DELIVERY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs a pipeline now and delivers its notifications; what cannot be delivered yet is retried by the loop. */
    public Run run(PipelineSpec spec, Trigger trigger) {
        Run run = pipeline.run(spec, RunRequest.of(trigger));
        NotificationDispatcher dispatcher = dispatchers.get(spec.name());
        if (dispatcher != null) {
            try {
                dispatcher.deliverDue();
            } catch (RuntimeException e) {
                LOG.warn("delivering the notifications of run {} failed: {}", run.id(), e.getMessage());
            }
        }
        return run;
    }

    /** Starts a manual run in the background (the web answers at once). */
    public void runInBackground(PipelineSpec spec) {
        manualRuns.submit(() -> {
            try {
                run(spec, Trigger.MANUAL);
            } catch (RuntimeException e) {
                LOG.error("manual run of {} failed", spec.name(), e);
            }
        });
    }

    private void deliverPending() {
        for (NotificationDispatcher dispatcher : dispatchers.values()) {
            try {
                dispatcher.deliverDue();
            } catch (RuntimeException e) {
                LOG.warn("notification delivery loop: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        deliveries.shutdownNow();
        manualRuns.shutdown();
        Thread stopping = new Thread(() -> {
            if (scheduler != null) {
                scheduler.close();
            }
        }, "sluice-scheduler-stop");
        stopping.start();
        long deadline = System.nanoTime() + shutdownWait.toNanos();
        try {
            stopping.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            // Manual runs get what is left of the same grace period, not a grace period of their own.
            boolean manualDone = manualRuns.awaitTermination(Math.max(0, deadline - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
            if (stopping.isAlive() || !manualDone) {
                LOG.warn("runs still in progress after {} s; aborting them so they roll back and are recorded",
                        shutdownWait.toSeconds());
                pipeline.abortRunning();
                stopping.join(RECORD_AFTER_ABORT.toMillis());
                manualRuns.awaitTermination(RECORD_AFTER_ABORT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deliverPending();
    }
}
