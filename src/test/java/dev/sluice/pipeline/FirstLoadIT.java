package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.history.Run;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pipeline's first load reads each body while it downloads. These cases prove it keeps every guarantee of the
 * download-then-load path: retries, sniffing, all-or-nothing.
 */
class FirstLoadIT {
    private static final byte[] NYT = SourceServer.read(SharedData.nyt("2022-04-19"));
    private TestRig rig;

    @BeforeEach
    void start() {
        rig = new TestRig();
        rig.server.serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    private boolean targetExists() {
        return rig.count("select count(*) from pg_tables where tablename = 'covid_us_daily'") == 1;
    }

    @Test
    void a_body_cut_off_while_being_read_is_read_again_from_the_retried_download() {
        rig.server.script("/nyt.csv", SourceServer.cutOff(NYT, 12_000), SourceServer.body(NYT));
        Run run = rig.run(rig.covidUs());

        assertThat(run.status())
                .as(run.error().map(Object::toString).orElse(""))
                .isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.inserted()).isEqualTo(820);
        assertThat(rig.count("select count(*) from covid_us_daily")).isEqualTo(820);
        assertThat(rig.server.requests("/nyt.csv")).hasSize(2);
        assertThat(run.sources().get("nyt").sha256()).startsWith("da238f87560a1d35");
    }

    @Test
    void a_body_that_stalls_part_way_is_waited_for_within_the_read_timeout() {
        rig.server.script("/nyt.csv", exchange -> {
            exchange.sendResponseHeaders(200, NYT.length);
            exchange.getResponseBody().write(NYT, 0, 10_000);
            exchange.getResponseBody().flush();
            sleep(Duration.ofMillis(700));
            exchange.getResponseBody().write(NYT, 10_000, NYT.length - 10_000);
        });
        Run run = rig.run(rig.covidUs());

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.inserted()).isEqualTo(820);
    }

    @Test
    void an_html_page_is_rejected_before_anything_is_parsed_and_no_table_is_left() {
        rig.server.script("/nyt.csv", SourceServer.html());
        Run run = rig.run(rig.covidUs());

        assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.NOT_CSV);
        assertThat(targetExists())
                .as("the table created by the failed first load is rolled back")
                .isFalse();
        assertThat(rig.openFiles()).as("downloads left open").isEmpty();
    }

    @Test
    void a_body_sniffed_as_html_without_an_html_content_type_is_rejected_too() {
        byte[] page = "<html><body>maintenance</body></html>".getBytes(StandardCharsets.UTF_8);
        rig.server.script("/nyt.csv", SourceServer.body(page));
        Run run = rig.run(rig.covidUs());

        assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.NOT_CSV);
        assertThat(run.error().orElseThrow().message()).contains("HTML");
        assertThat(rig.openFiles()).as("downloads left open").isEmpty();
    }

    @Test
    void an_invalid_value_fails_the_first_load_and_leaves_no_table() {
        String text = new String(NYT, StandardCharsets.UTF_8).replace("\n2021-01-05,", "\n2021-01-05,-3,");
        rig.server.script(
                "/nyt.csv",
                SourceServer.body(text.replaceFirst("\n2021-01-05,-3,\\d+,", "\n2021-01-05,-3,")
                        .getBytes(StandardCharsets.UTF_8)));
        Run run = rig.run(rig.covidUs());

        assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.INVALID_VALUE);
        assertThat(run.error().orElseThrow().column()).isEqualTo("cases");
        assertThat(targetExists()).isFalse();
        assertThat(rig.count("select count(*) from pg_tables where schemaname = 'sluice' and tablename like 'stage%'"))
                .isZero();
    }

    @Test
    void a_download_failing_after_every_attempt_fails_the_run_with_its_own_error() {
        rig.server.script("/nyt.csv", SourceServer.cutOff(NYT, 12_000));
        Run run = rig.run(rig.covidUs());

        assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.SOURCE_UNAVAILABLE);
        assertThat(run.error().orElseThrow().message())
                .contains("bytes received: 12000")
                .contains("after 3 attempts");
        assertThat(targetExists()).isFalse();
    }

    @Test
    void a_duplicate_key_on_a_first_load_is_reported_with_its_lines() {
        String text = new String(NYT, StandardCharsets.UTF_8);
        // Out of order, so the streaming check cannot see it and the primary key catches it.
        rig.server.script("/nyt.csv", SourceServer.body((text + "\n2020-03-01,1,0").getBytes(StandardCharsets.UTF_8)));
        Run run = rig.run(rig.covidUs());

        assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.DUPLICATE_KEY);
        assertThat(run.error().orElseThrow().message()).contains("2020-03-01").contains("lines 42, 822");
        assertThat(targetExists()).isFalse();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
