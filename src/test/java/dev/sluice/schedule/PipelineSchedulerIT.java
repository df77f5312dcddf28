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
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The schedule, on a real database with a settable clock: nothing sleeps. The runner records when it was called
 * instead of loading data; what a run does is tested elsewhere.
 */
class PipelineSchedulerIT {
    private static final Instant MONDAY_MORNING = Instant.parse("2026-03-02T08:00:00Z");

    private Database database;
    private final List<Instant> runs = new CopyOnWriteArrayList<>();
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

    private ManualScheduler scheduler(SettableClock clock, PipelineSpec spec) {
        return TestHelper.createManualScheduler(database.dataSource())
                .startTasks(PipelineScheduler.tasks(List.of(spec), p -> runs.add(clock.now())))
                .tableName(PipelineScheduler.TABLE)
                .clock(clock)
                .build();
    }

    private static SettableClock clockAt(Instant instant) {
        SettableClock clock = new SettableClock();
        clock.set(instant);
        return clock;
    }

    @Test
    void covid_us_runs_every_day_at_1900_utc_and_not_before() {
        SettableClock clock = clockAt(MONDAY_MORNING);
        ManualScheduler scheduler = scheduler(clock, covidUs);
        scheduler.start();

        scheduler.runAnyDueExecutions();
        assertThat(runs).isEmpty();
        clock.set(Instant.parse("2026-03-02T18:59:59Z"));
        scheduler.runAnyDueExecutions();
        assertThat(runs).isEmpty();
        clock.set(Instant.parse("2026-03-02T19:00:01Z"));
        scheduler.runAnyDueExecutions();
        assertThat(runs).containsExactly(Instant.parse("2026-03-02T19:00:01Z"));
        clock.set(Instant.parse("2026-03-03T19:00:00Z"));
        scheduler.runAnyDueExecutions();
        assertThat(runs).hasSize(2);
    }

    @Test
    void two_schedulers_on_one_database_execute_each_scheduled_run_once() {
        SettableClock clock = clockAt(MONDAY_MORNING);
        ManualScheduler first = scheduler(clock, covidUs);
        ManualScheduler second = scheduler(clock, covidUs);
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
        scheduler(clock, covidUs).start(); // the first start records the next execution: Monday 19:00
        assertThat(runs).isEmpty();

        // Down from Monday morning to Wednesday noon: two 19:00s were missed.
        clock.set(Instant.parse("2026-03-04T12:00:00Z"));
        ManualScheduler restarted = scheduler(clock, covidUs);
        restarted.start();
        restarted.runAnyDueExecutions();
        restarted.runAnyDueExecutions();
        assertThat(runs).containsExactly(Instant.parse("2026-03-04T12:00:00Z"));

        clock.set(Instant.parse("2026-03-04T19:00:01Z"));
        restarted.runAnyDueExecutions();
        assertThat(runs).hasSize(2);
    }

    @Test
    void the_schedule_follows_its_time_zone_across_daylight_saving() {
        PipelineSpec newYork =
                covidUs.withSchedule(Optional.of(new ScheduleSpec("0 0 7 * * *", ZoneId.of("America/New_York"))));
        SettableClock clock = clockAt(Instant.parse("2026-03-07T00:00:00Z"));
        ManualScheduler scheduler = scheduler(clock, newYork);
        scheduler.start();

        clock.set(Instant.parse("2026-03-07T12:00:01Z")); // 07:00 EST is 12:00 UTC
        scheduler.runAnyDueExecutions();
        clock.set(Instant.parse("2026-03-09T11:00:01Z")); // after the change, 07:00 EDT is 11:00 UTC
        scheduler.runAnyDueExecutions();

        assertThat(runs).containsExactly(Instant.parse("2026-03-07T12:00:01Z"), Instant.parse("2026-03-09T11:00:01Z"));
    }

    @Test
    void pipelines_without_a_schedule_get_no_task() {
        assertThat(PipelineScheduler.tasks(List.of(covidUs.withSchedule(Optional.empty())), p -> {}))
                .isEmpty();
    }
}
