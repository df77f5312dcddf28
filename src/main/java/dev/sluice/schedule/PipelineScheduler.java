package dev.sluice.schedule;

import com.github.kagkarlsson.scheduler.ScheduledExecution;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTaskWithPersistentSchedule;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.PersistentCronSchedule;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.ScheduleSpec;
import dev.sluice.db.DatabaseException;
import dev.sluice.history.RunRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each pipeline on its cron schedule with db-scheduler, persistently: every pipeline's next run is one row of
 * {@code sluice.scheduled_tasks} (task {@value #TASK}, instance the pipeline's name, its schedule kept with it), so
 * several {@code sluice serve} replicas on one database execute each scheduled run exactly once (db-scheduler picks
 * an execution with an optimistic lock), a run missed while every replica was down is overdue at start-up and runs
 * once, and pipelines are added, rescheduled and removed while the scheduler runs ({@link #reconcile}).
 *
 * <p>A replica runs at most its scheduler's threads at once; due runs past that wait, unpicked, for a free thread
 * here or on another replica: never dropped. A run picked by a replica that does not serve the pipeline (its files
 * not read yet after a change) is put back a little later for one that does.
 */
public final class PipelineScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineScheduler.class);

    public static final String TABLE = "sluice.scheduled_tasks";
    /** The task every pipeline's scheduled runs are executions of. */
    public static final String TASK = RunRepository.SCHEDULED_RUN_TASK;
    /** Before schedules were kept with their runs, each pipeline was a task of its own, named so. */
    private static final String OLD_TASK_PREFIX = "sluice-run-";

    private static final Duration POLLING_INTERVAL = Duration.ofSeconds(10);
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);
    private static final int MISSED_HEARTBEATS = 4;
    /** How soon a run picked by a replica that does not serve its pipeline is offered again. */
    static final Duration NOT_HERE_RETRY = Duration.ofSeconds(30);
    /** How long a run nobody serves is offered again before its schedule is removed. */
    static final Duration NOBODY_SERVES = Duration.ofHours(1);

    private final Scheduler scheduler;
    private final DataSource dataSource;

    private PipelineScheduler(Scheduler scheduler, DataSource dataSource) {
        this.scheduler = scheduler;
        this.dataSource = dataSource;
    }

    /** Runs a scheduled pipeline by name, for the time it was due; false when this process does not serve it. */
    @FunctionalInterface
    public interface ScheduledRuns {
        boolean run(String pipeline, Instant dueAt);
    }

    /** A run of a pipeline this replica does not serve: put back for another (or for this one, once it reads it). */
    static final class NotServedHere extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotServedHere(String pipeline) {
            super("pipeline " + pipeline + " is not served by this process", null, false, false);
        }
    }

    /** The one task of every pipeline's scheduled runs; its instances are added by {@link #reconcile}. */
    public static RecurringTaskWithPersistentSchedule<PersistentCronSchedule> task(ScheduledRuns runs) {
        return Tasks.recurringWithPersistentSchedule(TASK, PersistentCronSchedule.class)
                .onFailure(PipelineScheduler::failed)
                // A run picked by a replica that died is offered again for the time it was due, not for now (db-
                // scheduler's default): the run may have committed before its replica died, and the time it was due
                // is what finds it done.
                .onDeadExecution((complete, operations) ->
                        operations.reschedule(complete, complete.getExecution().executionTime))
                .execute((instance, context) -> {
                    if (!runs.run(instance.getId(), context.getExecution().executionTime)) {
                        throw new NotServedHere(instance.getId());
                    }
                });
    }

    /**
     * A run fails only when this replica does not serve its pipeline (runs record their own failures): offered again
     * soon, unless nobody has served it for {@link #NOBODY_SERVES}; anything else waits for the next scheduled time.
     */
    private static void failed(ExecutionComplete complete, ExecutionOperations<PersistentCronSchedule> operations) {
        PersistentCronSchedule schedule =
                (PersistentCronSchedule) complete.getExecution().taskInstance.getData();
        boolean notHere =
                complete.getCause().filter(NotServedHere.class::isInstance).isPresent();
        if (!notHere) {
            operations.reschedule(complete, schedule.getSchedule().getNextExecutionTime(complete));
            return;
        }
        int failures = complete.getExecution().consecutiveFailures;
        if ((long) failures * NOT_HERE_RETRY.toSeconds() > NOBODY_SERVES.toSeconds()) {
            LOG.warn(
                    "no replica has served pipeline {} for {}: its schedule is removed",
                    complete.getExecution().taskInstance.getId(),
                    NOBODY_SERVES);
            operations.remove();
            return;
        }
        operations.reschedule(complete, complete.getTimeDone().plus(NOT_HERE_RETRY));
    }

    /**
     * Starts the scheduler and schedules the pipelines that have a schedule.
     *
     * @param maxRuns      runs this process executes at once, at most
     * @param shutdownWait how long {@link #close} waits for runs in progress to finish
     */
    public static PipelineScheduler start(
            DataSource dataSource,
            List<PipelineSpec> pipelines,
            ScheduledRuns runs,
            int maxRuns,
            Duration shutdownWait,
            Clock clock) {
        Scheduler scheduler = Scheduler.create(dataSource, task(runs))
                .tableName(TABLE)
                .threads(Math.max(1, maxRuns))
                .pollingInterval(POLLING_INTERVAL)
                // Each replica locks (SKIP LOCKED) at most as many due runs as it has threads, and asks again when
                // half are done: replicas share a burst of due runs, and the rest wait unpicked. With the default,
                // every replica fetched the same candidates and lost most races to pick them, so one did the work.
                .pollUsingLockAndFetch(0.5, 1.0)
                // A replica killed mid-run leaves its execution picked: dead after 40 s without a heartbeat, then
                // revived by another (db-scheduler's default, 5 minutes times 6, would leave the run for 30).
                .heartbeatInterval(HEARTBEAT)
                .missedHeartbeatsLimit(MISSED_HEARTBEATS)
                .shutdownMaxWait(shutdownWait)
                .build();
        reconcile(scheduler, dataSource, pipelines, clock);
        scheduler.start();
        return new PipelineScheduler(scheduler, dataSource);
    }

    /** Brings the schedules in line with the pipelines served now. */
    public void reconcile(List<PipelineSpec> pipelines, Clock clock) {
        reconcile(scheduler, dataSource, pipelines, clock);
    }

    /**
     * Makes the schedules the database keeps those of {@code pipelines}: a pipeline new here is scheduled (at the time
     * its old per-pipeline task was due, when it had one), one whose schedule changed is rescheduled, one no longer
     * served (or without a schedule) is removed. A pipeline being run is left for the next reconciliation. Safe when
     * several replicas do it at once.
     */
    static void reconcile(SchedulerClient client, DataSource dataSource, List<PipelineSpec> pipelines, Clock clock) {
        RecurringTaskWithPersistentSchedule<PersistentCronSchedule> task = task((pipeline, dueAt) -> false);
        Map<String, ScheduledExecution<PersistentCronSchedule>> scheduled = new HashMap<>();
        client.getScheduledExecutionsForTask(TASK, PersistentCronSchedule.class)
                .forEach(e -> scheduled.put(e.getTaskInstance().getId(), e));
        Map<String, ScheduleSpec> wanted = new HashMap<>();
        pipelines.forEach(p -> p.schedule().ifPresent(s -> wanted.put(p.name(), s)));
        wanted.forEach((name, schedule) -> {
            PersistentCronSchedule data =
                    new PersistentCronSchedule(schedule.cron(), schedule.zone(), describe(schedule));
            ScheduledExecution<PersistentCronSchedule> existing = scheduled.get(name);
            if (existing == null) {
                Optional<Instant> due = takeOverOldTask(dataSource, name);
                boolean added = due.isPresent()
                        ? client.scheduleIfNotExists(task.instance(name, data), due.get())
                        : client.scheduleIfNotExists(task.schedulableInstance(name, data));
                if (added) {
                    LOG.info("scheduled pipeline {} ({})", name, describe(schedule));
                }
            } else if (!describe(schedule)
                            .equals(String.valueOf(existing.getData().getData()))
                    && !existing.isPicked()) {
                client.reschedule(task.schedulableInstance(name, data));
                LOG.info("rescheduled pipeline {} ({})", name, describe(schedule));
            }
        });
        scheduled.forEach((name, execution) -> {
            if (!wanted.containsKey(name) && !execution.isPicked()) {
                client.cancel(TaskInstanceId.of(TASK, name));
                LOG.info("pipeline {} is no longer scheduled", name);
            }
        });
    }

    private static String describe(ScheduleSpec schedule) {
        return schedule.cron() + " " + schedule.zone();
    }

    /**
     * The execution time of a pipeline's task as earlier versions scheduled it, removed: a run it had due stays due.
     */
    private static Optional<Instant> takeOverOldTask(DataSource dataSource, String pipeline) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "delete from " + TABLE + " where task_name = ? and not picked returning execution_time")) {
            st.setString(1, OLD_TASK_PREFIX + pipeline);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next()
                        ? Optional.ofNullable(rs.getTimestamp(1)).map(java.sql.Timestamp::toInstant)
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw DatabaseException.of("cannot read the old schedule of " + pipeline, e);
        }
    }

    /** Stops picking new executions and waits (up to the shutdown wait) for those in progress. */
    @Override
    public void close() {
        scheduler.stop();
    }
}
