package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunStatus;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a run says is news: said by the run that first sees it, not by every run after. A fall in a cumulative series
 * loaded in 2020 is not announced again each day; a column the publisher added is named once, when it appears.
 */
class WarningsSaidOnceIT {
    private TestRig rig;

    @BeforeEach
    void start() {
        rig = new TestRig();
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void a_decrease_is_said_by_the_run_that_loads_it_and_a_new_one_by_the_run_that_brings_it() throws Exception {
        String nyt = Files.readString(SharedData.nyt("2022-04-19"), StandardCharsets.UTF_8);
        rig.server.script("/nyt.csv", SourceServer.body(nyt.getBytes(StandardCharsets.UTF_8)));
        rig.server.serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
        Run first = rig.run(rig.covidUs());
        assertThat(first.warnings())
                .anySatisfy(w -> assertThat(w).contains("cases fell from 33,336,811 to 33,312,812 on 2021-06-04"))
                .anySatisfy(w -> assertThat(w).contains("recovered fell from 6,298,082 to 0 on 2020-12-14"));

        // The same rows written with other line endings: read, compared, and nothing is news.
        rig.server.script(
                "/nyt.csv", SourceServer.body(nyt.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
        Run again = rig.run(rig.covidUs());
        assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(again.unchanged()).isEqualTo(820);
        assertThat(again.warnings()).noneSatisfy(w -> assertThat(w).contains("fell from"));

        // A revision that makes one more date fall: that one, and only that one, is said.
        List<String> lines = nyt.lines().toList();
        String last = lines.get(lines.size() - 1); // 2022-04-19,80651524,987999
        String[] f = last.split(",");
        String revised = f[0] + "," + f[1] + "," + (Long.parseLong(f[2]) - 1_000);
        String text = String.join("\n", lines.subList(0, lines.size() - 1)) + "\n" + revised + "\n";
        rig.server.script("/nyt.csv", SourceServer.body(text.getBytes(StandardCharsets.UTF_8)));
        Run revisedRun = rig.run(rig.covidUs());
        assertThat(revisedRun.status()).as(message(revisedRun)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(revisedRun.warnings().stream().filter(w -> w.contains("fell from")))
                .singleElement()
                .satisfies(w -> assertThat(w).contains("deaths fell from").contains("on " + f[0]));
    }

    @Test
    void a_column_the_publisher_adds_is_named_by_the_run_that_first_sees_it() throws Exception {
        String nyt = Files.readString(SharedData.nyt("2022-04-19"), StandardCharsets.UTF_8);
        rig.server.script("/nyt.csv", SourceServer.body(nyt.getBytes(StandardCharsets.UTF_8)));
        rig.server.serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
        assertThat(rig.run(rig.covidUs()).status()).isEqualTo(RunStatus.SUCCEEDED);

        String withColumn = nyt.lines()
                .map(line -> line.startsWith("date,") ? line + ",hospitalized" : line + ",")
                .reduce("", (a, b) -> a + b + "\n");
        rig.server.script("/nyt.csv", SourceServer.body(withColumn.getBytes(StandardCharsets.UTF_8)));
        Run added = rig.run(rig.covidUs());
        assertThat(added.status()).as(message(added)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(added.warnings())
                .contains("nyt: new in the header, not loaded: 'hospitalized' (add to columns: to load)");

        rig.server.script(
                "/nyt.csv", SourceServer.body(withColumn.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
        Run after = rig.run(rig.covidUs());
        assertThat(after.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(after.warnings()).noneSatisfy(w -> assertThat(w).contains("new in the header"));
    }

    private static String message(Run run) {
        return run.error().map(RunError::message).orElse("");
    }
}
