package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunStatus;
import dev.sluice.config.PipelineSpec;
import dev.sluice.history.Run;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.TestRig;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A scheduled run happens once for the time it was due: a replica killed after its run committed but before the
 * scheduler recorded the execution done leaves the execution to another replica, which finds the run done.
 */
class ScheduledRunOnceIT {
    private TestRig rig;

    @BeforeEach
    void start() {
        rig = new TestRig();
        rig.server
                .serveFile("/nyt.csv", SharedData.nyt("2022-04-19"))
                .serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void a_due_run_handed_over_twice_is_done_once_and_the_next_due_run_is_done_again() {
        PipelineSpec spec = rig.covidUs();
        Instant monday = Instant.parse("2026-03-02T19:00:00Z");
        Run first = rig.pipeline().run(spec, RunRequest.scheduled(monday));
        Run again = rig.pipeline().run(spec, RunRequest.scheduled(monday));

        assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(rig.count("select count(*) from sluice.runs")).isEqualTo(1);

        Run tuesday = rig.pipeline().run(spec, RunRequest.scheduled(Instant.parse("2026-03-03T19:00:00Z")));
        assertThat(tuesday.id()).isNotEqualTo(first.id());
        assertThat(tuesday.status()).isEqualTo(RunStatus.UNCHANGED);
        assertThat(rig.count("select count(*) from sluice.runs where scheduled_for is not null"))
                .isEqualTo(2);
    }
}
