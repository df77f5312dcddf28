package dev.sluice.schedule;

import dev.sluice.config.PipelineSpec;
import dev.sluice.config.ServedPipelines;
import dev.sluice.history.Run;
import dev.sluice.history.Trigger;
import dev.sluice.notify.Notifier;
import dev.sluice.pipeline.DeliveryPolicy;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.RunRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
    private static final Duration RECORD_AFTER_ABORT = Duration.ofSeconds(15);

    private final Pipeline pipeline;
    private final Notifier notifier;
    private final Duration shutdownWait;
    private final Duration deliveryInterval;
    private final Duration freshnessInterval;
    private final int maxRuns;
    private final Clock clock;
    /** Runs of this process at once: scheduled and manual ones share it. */
    private final Semaphore running;

    private final ExecutorService manualRuns = Executors.newCachedThreadPool(daemon("sluice-manual-run"));
    private final ScheduledExecutorService deliveries =
            Executors.newSingleThreadScheduledExecutor(daemon("sluice-deliveries"));
    private Supplier<ServedPipelines> served = () -> ServedPipelines.of(List.of());
    private PipelineScheduler scheduler;

    /**
     * @param shutdownWait     how long {@link #close} waits for runs in progress
     * @param deliveryInterval how often pending notifications are retried
     * @param freshnessInterval how often every pipeline's freshness is judged, whether or not a run is due
     * @param maxRuns          runs this process executes at once (scheduled and manual); the others wait
     */
    public PipelineService(
            Pipeline pipeline,
            Notifier notifier,
            Duration shutdownWait,
            Duration deliveryInterval,
            Duration freshnessInterval,
            int maxRuns,
            Clock clock) {
        this.pipeline = pipeline;
        this.notifier = notifier;
        this.shutdownWait = shutdownWait;
        this.deliveryInterval = deliveryInterval;
        this.freshnessInterval = freshnessInterval;
        this.maxRuns = Math.max(1, maxRuns);
        this.clock = clock;
        this.running = new Semaphore(this.maxRuns, true);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Schedules what {@code pipelines} serves now; {@link #reconcile} follows it when it changes. */
    public void start(DataSource dataSource, Supplier<ServedPipelines> pipelines) {
        served = pipelines;
        scheduler = PipelineScheduler.start(
                dataSource,
                pipelines.get().pipelines(),
                (name, dueAt) -> pipelines
                        .get()
                        .find(name)
                        .map(spec -> {
                            run(spec, RunRequest.scheduled(dueAt));
                            return true;
                        })
                        .orElse(false),
                maxRuns,
                shutdownWait,
                clock);
        deliveries.scheduleWithFixedDelay(
                () -> notifier.deliverDue(served.get().pipelines()),
                0,
                deliveryInterval.toMillis(),
                TimeUnit.MILLISECONDS);
        // A scheduler that stopped running a pipeline (a bad cron, a paused replica set) must not hide lateness.
        deliveries.scheduleWithFixedDelay(this::judgeFreshness, 0, freshnessInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Judges every served pipeline's freshness now, and tells of what changed. */
    private void judgeFreshness() {
        List<PipelineSpec> specs = served.get().pipelines();
        for (PipelineSpec spec : specs) {
            try {
                pipeline.judgeFreshness(spec);
            } catch (RuntimeException e) {
                LOG.warn("cannot judge the freshness of {}: {}", spec.name(), e.getMessage());
            }
        }
        notifier.deliverDue(specs);
    }

    /** Brings the schedules in line with the pipelines served now (their files changed). */
    public void reconcile(ServedPipelines now) {
        if (scheduler != null) {
            scheduler.reconcile(now.pipelines(), clock);
        }
    }

    /**
     * Runs a pipeline now, once one of this process's {@code maxRuns} is free; its notifications are tried at once,
     * and retried by the delivery loop.
     */
    public Run run(PipelineSpec spec, Trigger trigger) {
        return run(spec, RunRequest.of(trigger));
    }

    private Run run(PipelineSpec spec, RunRequest request) {
        running.acquireUninterruptibly();
        try {
            return pipeline.runAndDeliver(spec, request, DeliveryPolicy.handOver());
        } finally {
            running.release();
        }
    }

    /** Starts a manual run in the background (the web answers at once); it waits its turn among the runs. */
    public void runInBackground(PipelineSpec spec) {
        manualRuns.submit(() -> {
            try {
                run(spec, Trigger.MANUAL);
            } catch (RuntimeException e) {
                LOG.error("manual run of {} failed", spec.name(), e);
            }
        });
    }

    @Override
    public void close() {
        deliveries.shutdownNow();
        manualRuns.shutdown();
        Thread stopping = new Thread(
                () -> {
                    if (scheduler != null) {
                        scheduler.close();
                    }
                },
                "sluice-scheduler-stop");
        stopping.start();
        long deadline = System.nanoTime() + shutdownWait.toNanos();
        try {
            stopping.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            // Manual runs get what is left of the same grace period, not a grace period of their own.
            boolean manualDone =
                    manualRuns.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (stopping.isAlive() || !manualDone) {
                LOG.warn(
                        "runs still in progress after {} s; aborting them so they roll back and are recorded",
                        shutdownWait.toSeconds());
                pipeline.abortRunning();
                stopping.join(RECORD_AFTER_ABORT.toMillis());
                manualRuns.awaitTermination(RECORD_AFTER_ABORT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        notifier.deliverDue(served.get().pipelines());
    }
}
