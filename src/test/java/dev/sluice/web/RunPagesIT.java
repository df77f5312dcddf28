package dev.sluice.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunStatus;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.testing.BrowsedDashboard;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Every kind of run page opened in a browser: the second publication of one small feed loaded in each mode (upsert,
 * mirror hard and soft, append, replace, history), a failed run and a run that quarantined a row. The feed, by
 * hand: day 1 holds keys 1 a, 2 b, 3 c; day 2 holds 1 a, 2 B, 4 d: key 4 is new, 2 changed, 3 gone, 1 the same.
 */
class RunPagesIT {
    private static final String DAY_1 = "id,v\n1,a\n2,b\n3,c\n";
    private static final String DAY_2 = "id,v\n1,a\n2,B\n4,d\n";

    private static TestRig rig;
    private static BrowsedDashboard dashboard;
    private static ChromeDriver browser;
    private static final Map<String, Run> SECOND_RUNS = new java.util.LinkedHashMap<>();
    private static Run failed;
    private static Run quarantined;
    private static Run audited;

    @BeforeAll
    static void start() throws IOException {
        rig = new TestRig();
        List<PipelineSpec> specs = new ArrayList<>();
        for (String mode : List.of("upsert", "mirror", "mirror_soft", "append", "replace", "history")) {
            String target = mode.equals("mirror_soft") ? "mode: mirror, delete: soft" : "mode: " + mode;
            PipelineSpec spec = pipeline(mode, target, "");
            specs.add(spec);
            publish(mode, DAY_1);
            assertThat(rig.run(spec).status()).as(mode + " day 1").isEqualTo(RunStatus.SUCCEEDED);
            publish(mode, DAY_2);
            Run second = rig.run(spec);
            assertThat(second.status()).as(mode + " day 2").isEqualTo(RunStatus.SUCCEEDED);
            SECOND_RUNS.put(mode, second);
            if (mode.equals("upsert")) {
                publish(mode, "id,v\n1,a\nx,b\n");
                failed = rig.run(spec);
                assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            }
        }
        PipelineSpec quarantining =
                pipeline("quarantine", "mode: upsert", "invalid_rows: quarantine\nmax_invalid: 50%\n");
        specs.add(quarantining);
        publish("quarantine", "id,v\n1,a\nx,b\n3,c\n");
        quarantined = rig.run(quarantining);
        assertThat(quarantined.status()).as(quarantined.error().toString()).isEqualTo(RunStatus.SUCCEEDED);

        PipelineSpec auditing = pipeline(
                "audited",
                "mode: upsert",
                "expectations:\n  - { column: v, accepted_values: [a, b], severity: warn }\n");
        specs.add(auditing);
        publish("audited", DAY_1);
        rig.run(auditing);
        publish("audited", DAY_2);
        audited = rig.run(auditing);
        assertThat(audited.status()).isEqualTo(RunStatus.SUCCEEDED);

        // A feed whose newest date is long past: late from its first run, whatever today is.
        Path lateFile = Files.createTempDirectory(rig.home, "late").resolve("late.yaml");
        Files.writeString(
                lateFile,
                "name: late\nsources:\n  - name: s\n    url: " + rig.server.url("/late.csv")
                        + "\n    key: [date]\n    columns:\n      - { header: date, type: date }\n"
                        + "      - { header: v, type: integer }\nexpect: { data_within: 1d }\n"
                        + "target: { table: late }\n");
        PipelineSpec late = TestRig.withFastFetch(new PipelineFileReader(Trust.none()).read(lateFile.toString()));
        specs.add(late);
        publish("late", "date,v\n2020-01-01,1\n");
        assertThat(rig.run(late).status()).isEqualTo(RunStatus.SUCCEEDED);

        dashboard = new BrowsedDashboard(rig, specs);
        browser = dashboard.browser;
    }

    @AfterAll
    static void stop() {
        if (dashboard != null) {
            dashboard.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    private static PipelineSpec pipeline(String name, String target, String more) throws IOException {
        Path file = Files.createTempDirectory(rig.home, name).resolve(name + ".yaml");
        Files.writeString(
                file,
                "name: " + name.replace('_', '-') + "\n" + more + "sources:\n  - name: s\n    url: "
                        + rig.server.url("/" + name + ".csv") + "\n    key: [id]\n    columns:\n"
                        + "      - { header: id, type: integer }\n      - { header: v }\n"
                        + "target: { table: " + name + ", " + target + " }\n");
        return TestRig.withFastFetch(new PipelineFileReader(Trust.none()).read(file.toString()));
    }

    private static void publish(String name, String csv) {
        rig.server.script("/" + name + ".csv", SourceServer.body(csv.getBytes(StandardCharsets.UTF_8)));
    }

    private static void open(long runId) {
        dashboard.open("#/runs/" + runId);
        assertThat(browser.findElement(By.tagName("main")).getText())
                .as("run " + runId)
                .doesNotContain("Could not load");
    }

    private static List<String> changes() {
        return browser.findElements(By.cssSelector("#changes-table tbody tr")).stream()
                .map(WebElement::getText)
                .toList();
    }

    private static String rows() {
        return browser.findElement(By.id("run-detail")).getText();
    }

    @Test
    void a_run_page_shows_what_it_revised_and_each_expectation() {
        open(audited.id());
        assertThat(browser.findElement(By.id("revisions")).getText())
                .contains("1 past rows revised (2)")
                .contains("v");
        List<String> expectations = browser.findElements(By.cssSelector("#expectations tbody tr")).stream()
                .map(WebElement::getText)
                .toList();
        assertThat(expectations)
                .singleElement()
                .satisfies(row -> assertThat(row)
                        .contains("v accepted_values")
                        .contains("warn")
                        .contains("3 rows of v outside [a, b], such as 'B', 'c', 'd'"));
    }

    @Test
    void a_late_feed_says_so_on_its_page_and_its_tab() {
        dashboard.open("#/p/late");
        WebElement state = browser.findElement(By.cssSelector("#feed-health li[data-source='s']"));
        assertThat(state.getAttribute("data-state")).isEqualTo("LATE");
        assertThat(state.getText())
                .contains("s: late since")
                .contains("newest date 2020-01-01")
                .contains("expected within 1d")
                .contains("(expected: data_within 1d)");
        assertThat(browser.findElement(By.cssSelector("#pipeline-tabs a[href='#/p/late']"))
                        .getText())
                .contains("●");
    }

    @Test
    void an_upsert_run_shows_the_new_and_the_changed_key() {
        open(SECOND_RUNS.get("upsert").id());
        assertThat(rows()).contains("1 inserted, 1 updated, 1 unchanged");
        assertThat(changes()).containsExactlyInAnyOrder("id=2 UPDATE v b v B", "id=4 INSERT v d");
    }

    @Test
    void mirror_runs_hard_and_soft_show_the_key_they_deleted() {
        for (String mode : List.of("mirror", "mirror_soft")) {
            open(SECOND_RUNS.get(mode).id());
            assertThat(rows()).as(mode).contains("1 inserted, 1 updated, 1 deleted, 1 unchanged");
            assertThat(changes())
                    .as(mode)
                    .containsExactlyInAnyOrder("id=2 UPDATE v b v B", "id=4 INSERT v d", "id=3 DELETE v c");
        }
    }

    @Test
    void a_history_run_shows_the_version_it_opened_and_the_one_it_closed() {
        open(SECOND_RUNS.get("history").id());
        assertThat(rows()).contains("1 inserted, 1 updated, 1 deleted, 1 unchanged");
        assertThat(changes()).containsExactlyInAnyOrder("id=2 UPDATE v b v B", "id=4 INSERT v d", "id=3 DELETE v c");
    }

    @Test
    void append_and_replace_runs_open_with_their_counts() {
        open(SECOND_RUNS.get("append").id());
        // Append adds the whole new publication.
        assertThat(rows()).contains("3 inserted, 0 updated, 0 unchanged");
        assertThat(changes()).hasSize(3).allSatisfy(row -> assertThat(row).contains("INSERT"));

        open(SECOND_RUNS.get("replace").id());
        assertThat(rows()).contains("1 inserted, 1 updated, 1 deleted, 1 unchanged");
    }

    @Test
    void a_failed_run_shows_where_it_failed_once() {
        open(failed.id());
        String text = browser.findElement(By.tagName("main")).getText();
        assertThat(text).contains("INVALID_VALUE in s line 3, column id, value 'x'");
        assertThat(text.split("is not a whole number", -1))
                .as("the error said once")
                .hasSize(2);
    }

    @Test
    void a_run_that_quarantined_a_row_shows_it_before_its_changes() {
        open(quarantined.id());
        String text = browser.findElement(By.tagName("main")).getText();
        assertThat(text).contains("Quarantined rows (1)");
        assertThat(text.indexOf("Quarantined rows")).isLessThan(text.indexOf("Changed rows"));
        assertThat(browser.findElements(By.cssSelector("#rejected-table tbody tr")))
                .singleElement()
                .satisfies(row -> assertThat(row.getText()).contains("x,b"));
    }
}
