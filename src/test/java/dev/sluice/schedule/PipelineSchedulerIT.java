package dev.sluice.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.ScheduleSpec;
import dev.sluice.config.Trust;
import dev.sluice.db.Database;
import dev.sluice.testing.TestDatabase;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The schedule, on a real database with a settable clock: nothing sleeps. The runner records which pipeline it was
 * asked to run and when, instead of loading data; what a run does is tested elsewhere.
 */
class PipelineSchedulerIT {
    private static final Instant MONDAY_MORNING = Instant.parse("2026-03-02T08:00:00Z");

    private Database database;
    private final List<String> runs = new CopyOnWriteArrayList<>();
    private PipelineSpec covidUs;

    @BeforeEach
    void start() throws Exception {
        database = TestDatabase.openFresh(Files.createTempDirectory("sluice-schedule-"));
        covidUs = new PipelineFileReader(Trust.none()).read("covid-us");
    }

    @AfterEach
    void stop() {
        database.close();
    }

    /** A replica serving {@code served}: it runs those, and no other. */
    private ManualScheduler scheduler(SettableClock clock, Set<String> served) {
        return TestHelper.createManualScheduler(
                        database.dataSource(),
                        PipelineScheduler.task(
                                (name, dueAt) -> served.contains(name) && runs.add(name + "@" + clock.now())))
                .tableName(PipelineScheduler.TABLE)
                .clock(clock)
                .build();
    }

    private void reconcile(ManualScheduler scheduler, SettableClock clock, PipelineSpec... pipelines) {
        PipelineScheduler.reconcile(scheduler, database.dataSource(), List.of(pipelines), fixed(clock));
    }

    private static Clock fixed(SettableClock clock) {
        return Clock.fixed(clock.now(), ZoneOffset.UTC);
    }

    private static SettableClock clockAt(Instant instant) {
        SettableClock clock = new SettableClock();
        clock.set(instant);
        return clock;
    }

    @Test
    void covid_us_runs_every_day_at_1900_utc_and_not_before() {
        SettableClock clock = clockAt(MONDAY_MORNING);
        ManualScheduler scheduler = scheduler(clock, Set.of("covid-us"));
        reconcile(scheduler, clock, covidUs);
        scheduler.start();

        scheduler.runAnyDueExecutions();
        assertThat(runs).isEmpty();
        clock.set(Instant.parse("2026-03-02T18:59:59Z"));
        scheduler.runAnyDueExecutions();
        assertThat(runs).isEmpty();
        clock.set(Instant.parse("2026-03-02T19:00:01Z"));
        scheduler.runAnyDueExecutions();
        assertThat(runs).containsExactly("covid-us@2026-03-02T19:00:01Z");
        clock.set(Instant.parse("2026-03-03T19:00:00Z"));
        scheduler.runAnyDueExecutions();
        assertThat(runs).hasSize(2);
    }

    @Test
    void two_schedulers_on_one_database_execute_each_scheduled_run_once() {
        SettableClock clock = clockAt(MONDAY_MORNING);
        ManualScheduler first = scheduler(clock, Set.of("covid-us"));
        ManualScheduler second = scheduler(clock, Set.of("covid-us"));
        reconcile(first, clock, covidUs);
        reconcile(second, clock, covidUs);
        first.start();
        second.start();

        clock.set(Instant.parse("2026-03-02T19:00:05Z"));
        first.runAnyDueExecutions();
        second.runAnyDueExecutions();
        first.runAnyDueExecutions();

        assertThat(runs).hasSize(1);
    }

    @Test
    void runs_missed_while_the_service_was_down_are_caught_up_once_at_start_up() {
        SettableClock clock = clockAt(MONDAY_MORNING);
        reconcile(scheduler(clock, Set.of("covid-us")), clock, covidUs); // the next execution: Monday 19:00
        assertThat(runs).isEmpty();

        // Down from Monday morning to Wednesday noon: two 19:00s were missed.
        clock.set(Instant.parse("2026-03-04T12:00:00Z"));
        ManualScheduler restarted = scheduler(clock, Set.of("covid-us"));
        reconcile(restarted, clock, covidUs);
        restarted.start();
        restarted.runAnyDueExecutions();
        restarted.runAnyDueExecutions();
        assertThat(runs).containsExactly("covid-us@2026-03-04T12:00:00Z");

        clock.set(Instant.parse("2026-03-04T19:00:01Z"));
        restarted.runAnyDueExecutions();
        assertThat(runs).hasSize(2);
    }

    @Test
    void the_schedule_follows_its_time_zone_across_daylight_saving() {
        PipelineSpec newYork =
                covidUs.withSchedule(Optional.of(new ScheduleSpec("0 0 7 * * *", ZoneId.of("America/New_York"))));
        SettableClock clock = clockAt(Instant.parse("2026-03-07T00:00:00Z"));
        ManualScheduler scheduler = scheduler(clock, Set.of("covid-us"));
        reconcile(scheduler, clock, newYork);
        scheduler.start();

        clock.set(Instant.parse("2026-03-07T12:00:01Z")); // 07:00 EST is 12:00 UTC
        scheduler.runAnyDueExecutions();
        clock.set(Instant.parse("2026-03-09T11:00:01Z")); // after the change, 07:00 EDT is 11:00 UTC
        scheduler.runAnyDueExecutions();

        assertThat(runs).containsExactly("covid-us@2026-03-07T12:00:01Z", "covid-us@2026-03-09T11:00:01Z");
    }

    @Test
    void pipelines_are_added_rescheduled_and_removed_while_the_scheduler_runs() {
        SettableClock clock = clockAt(MONDAY_MORNING);
        PipelineSpec hourly = new PipelineFileReader(Trust.none())
                .parse(
                        "hourly.yaml",
                        PipelineFileReader.bundledText("covid-us")
                                .replace("name: covid-us", "name: hourly")
                                .replace("cron: \"0 0 19 * * *\"", "cron: \"0 30 * * * *\""),
                        Optional.empty());
        assertThat(hourly.schedule().orElseThrow().cron()).isEqualTo("0 30 * * * *");
        ManualScheduler scheduler = scheduler(clock, Set.of("covid-us", "hourly"));
        reconcile(scheduler, clock, covidUs);
        scheduler.start();

        reconcile(scheduler, clock, covidUs, hourly); // a file added
        clock.set(Instant.parse("2026-03-02T08:30:01Z"));
        scheduler.runAnyDueExecutions();
        assertThat(runs).containsExactly("hourly@2026-03-02T08:30:01Z");

        // covid-us's file changes its schedule to 09:00; hourly's file is removed.
        reconcile(scheduler, clock, covidUs.withSchedule(Optional.of(new ScheduleSpec("0 0 9 * * *", ZoneOffset.UTC))));
        clock.set(Instant.parse("2026-03-02T09:30:01Z"));
        scheduler.runAnyDueExecutions();
        assertThat(runs).containsExactly("hourly@2026-03-02T08:30:01Z", "covid-us@2026-03-02T09:30:01Z");
        clock.set(Instant.parse("2026-03-02T19:00:01Z"));
        scheduler.runAnyDueExecutions();
        assertThat(runs).hasSize(2);
    }

    @Test
    void a_run_picked_by_a_replica_that_does_not_serve_it_waits_for_one_that_does() {
        SettableClock clock = clockAt(MONDAY_MORNING);
        ManualScheduler stale = scheduler(clock, Set.of()); // has not read the new file yet
        ManualScheduler current = scheduler(clock, Set.of("covid-us"));
        reconcile(current, clock, covidUs);
        stale.start();
        current.start();

        clock.set(Instant.parse("2026-03-02T19:00:01Z"));
        stale.runAnyDueExecutions();
        assertThat(runs).isEmpty();
        current.runAnyDueExecutions(); // put back 30 s later: not due yet
        assertThat(runs).isEmpty();
        clock.set(Instant.parse("2026-03-02T19:00:32Z"));
        current.runAnyDueExecutions();
        assertThat(runs).containsExactly("covid-us@2026-03-02T19:00:32Z");
    }

    @Test
    void a_run_picked_by_a_replica_that_died_is_offered_again_for_the_time_it_was_due() throws Exception {
        SettableClock clock = clockAt(MONDAY_MORNING);
        List<Instant> dueTimes = new CopyOnWriteArrayList<>();
        ManualScheduler survivor = TestHelper.createManualScheduler(
                        database.dataSource(), PipelineScheduler.task((name, dueAt) -> dueTimes.add(dueAt)))
                .tableName(PipelineScheduler.TABLE)
                .clock(clock)
                .build();
        reconcile(survivor, clock, covidUs);
        Instant due = Instant.parse("2026-03-02T19:00:00Z");
        // Another replica picked it at 19:00 and died: no heartbeat since.
        try (Connection c = database.connect();
                PreparedStatement st = c.prepareStatement("update sluice.scheduled_tasks set picked = true,"
                        + " picked_by = 'dead-replica', last_heartbeat = ?, version = version + 1"
                        + " where task_name = 'sluice-pipeline'")) {
            st.setObject(1, due.atOffset(ZoneOffset.UTC));
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
        // Dead once db-scheduler's default six heartbeats of five minutes are missed (serve's are shorter).
        clock.set(Instant.parse("2026-03-02T19:31:00Z"));
        survivor.start();
        survivor.runDeadExecutionDetection();
        survivor.runAnyDueExecutions();

        assertThat(dueTimes)
                .as("revived for 19:00, which finds a run already done then")
                .containsExactly(due);
    }

    @Test
    void a_run_due_under_an_earlier_version_s_task_stays_due() throws Exception {
        SettableClock clock = clockAt(Instant.parse("2026-03-04T12:00:00Z"));
        try (Connection c = database.connect();
                PreparedStatement st = c.prepareStatement("insert into sluice.scheduled_tasks (task_name,"
                        + " task_instance, execution_time, picked, version) values ('sluice-run-covid-us', 'recurring',"
                        + " ?, false, 1)")) {
            st.setObject(1, Instant.parse("2026-03-02T19:00:00Z").atOffset(ZoneOffset.UTC));
            st.executeUpdate();
        }
        ManualScheduler scheduler = scheduler(clock, Set.of("covid-us"));
        reconcile(scheduler, clock, covidUs);
        scheduler.start();
        scheduler.runAnyDueExecutions();

        assertThat(runs).containsExactly("covid-us@2026-03-04T12:00:00Z");
        try (Connection c = database.connect();
                var rs = c.createStatement()
                        .executeQuery("select count(*) from sluice.scheduled_tasks where task_name ="
                                + " 'sluice-run-covid-us'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void pipelines_without_a_schedule_get_no_run() {
        SettableClock clock = clockAt(MONDAY_MORNING);
        ManualScheduler scheduler = scheduler(clock, Set.of("covid-us"));
        reconcile(scheduler, clock, covidUs.withSchedule(Optional.empty()));
        assertThat(scheduler.getScheduledExecutions()).isEmpty();
    }
}
