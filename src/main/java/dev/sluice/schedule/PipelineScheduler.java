package dev.sluice.schedule;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import dev.sluice.config.PipelineSpec;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Runs each pipeline on its cron schedule with db-scheduler, persistently: the next execution time lives in
 * {@code sluice.scheduled_tasks}, so several {@code sluice serve} replicas on one database execute each scheduled
 * run exactly once (db-scheduler picks an execution with an optimistic lock), and a run missed while every
 * replica was down is overdue at start-up and runs once, then the schedule resumes.
 */
public final class PipelineScheduler implements AutoCloseable {
    public static final String TABLE = "sluice.scheduled_tasks";
    private static final Duration POLLING_INTERVAL = Duration.ofSeconds(10);

    private final Scheduler scheduler;

    private PipelineScheduler(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** One recurring task per pipeline that has a schedule; the task runs {@code runner} for it. */
    public static List<RecurringTask<Void>> tasks(List<PipelineSpec> pipelines, Consumer<PipelineSpec> runner) {
        return pipelines.stream()
                .filter(p -> p.schedule().isPresent())
                .map(p -> Tasks.recurring(
                                taskName(p),
                                Schedules.cron(
                                        p.schedule().get().cron(),
                                        p.schedule().get().zone()))
                        .execute((instance, context) -> runner.accept(p)))
                .toList();
    }

    static String taskName(PipelineSpec pipeline) {
        return "sluice-run-" + pipeline.name();
    }

    /**
     * @param shutdownWait how long {@link #close} waits for runs in progress to finish
     */
    public static PipelineScheduler start(
            DataSource dataSource, List<PipelineSpec> pipelines, Consumer<PipelineSpec> runner, Duration shutdownWait) {
        List<RecurringTask<Void>> tasks = tasks(pipelines, runner);
        // Start tasks are also the scheduler's known tasks; listing them twice would register them twice.
        Scheduler scheduler = Scheduler.create(dataSource)
                .startTasks(tasks)
                .tableName(TABLE)
                .threads(Math.max(1, tasks.size()))
                .pollingInterval(POLLING_INTERVAL)
                .shutdownMaxWait(shutdownWait)
                .build();
        scheduler.start();
        return new PipelineScheduler(scheduler);
    }

    /** Stops picking new executions and waits (up to the shutdown wait) for those in progress. */
    @Override
    public void close() {
        scheduler.stop();
    }
}
