package dev.sluice.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.RunStatus;
import dev.sluice.config.PipelineSpec;
import dev.sluice.history.Run;
import dev.sluice.testing.BrowsedDashboard;
import dev.sluice.testing.HeadlessChromium;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromedriver), against a database filled by real
 * runs of covid-us: charts have one point per stored date, the cards show what the database holds, the runs table
 * lists the runs, and a value containing {@code <script>} is shown as text.
 */
class DashboardIT {
    private static final String HOSTILE = "<script>alert(1)</script>";

    private static TestRig rig;
    private static BrowsedDashboard dashboard;
    private static ChromeDriver browser;
    private static Run loaded;

    @BeforeAll
    static void start() throws Exception {
        rig = new TestRig();
        rig.server
                .serveFile("/nyt.csv", SharedData.nyt("2022-04-19"))
                .serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
        PipelineSpec spec = rig.covidUs();
        loaded = rig.run(spec);
        String nyt = new String(SourceServer.read(SharedData.nyt("2022-04-19")), StandardCharsets.UTF_8);
        // The cases value of 2020-03-01 becomes a script: the failed run's error carries it as its value.
        rig.server.script(
                "/nyt.csv",
                SourceServer.body(nyt.replaceFirst("\n2020-03-01,\\d+,", "\n2020-03-01,\"" + HOSTILE + "\",")
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(rig.run(spec).status()).isEqualTo(RunStatus.FAILED);
        dashboard = new BrowsedDashboard(rig, List.of(spec));
        browser = dashboard.browser;
    }

    @AfterAll
    static void stop() throws Exception {
        if (dashboard != null) {
            dashboard.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    private static void open(String hash) {
        dashboard.open(hash);
    }

    private static Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    private static long points(String chart, int series) {
        return (Long) script("return echarts.getInstanceByDom(document.getElementById('" + chart
                + "')).getOption().series[" + series + "].data.length");
    }

    @Test
    void charts_have_one_point_per_stored_date_and_gaps_where_recovered_is_unknown() throws Exception {
        open("#/p/covid-us");
        long dates = rig.count("select count(*) from covid_us_daily");
        assertThat(points("chart-cumulative", 0)).isEqualTo(dates);
        assertThat(points("chart-cumulative", 2)).isEqualTo(dates);
        assertThat(points("chart-daily-cases", 0)).isEqualTo(dates);
        assertThat(points("chart-daily-deaths", 1)).isEqualTo(dates);
        assertThat(points("chart-ratio-case_fatality_rate", 0)).isEqualTo(dates);
        long index = rig.count("select count(*) from covid_us_daily where date < '2020-12-14'");
        assertThat(script("return echarts.getInstanceByDom(document.getElementById('chart-cumulative'))"
                        + ".getOption().series[2].data[" + index + "]"))
                .as("recovered on 2020-12-14 is a gap")
                .isNull();
        Files.write(Path.of("target", "dashboard.png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void latest_values_and_freshness_match_the_database() {
        open("#/p/covid-us");
        NumberFormat us = NumberFormat.getIntegerInstance(Locale.US);
        for (String column : List.of("cases", "deaths", "recovered")) {
            long value = rig.count("select " + column + " from covid_us_daily where " + column
                    + " is not null order by date desc limit 1");
            String date = rig.text("select max(date)::text from covid_us_daily where " + column + " is not null")
                    .orElseThrow();
            WebElement card = browser.findElement(By.cssSelector("#latest [data-column='" + column + "']"));
            assertThat(card.findElement(By.className("value")).getText()).isEqualTo(us.format(value));
            assertThat(card.findElement(By.className("date")).getText()).isEqualTo("on " + date);
        }
        assertThat(browser.findElement(By.id("freshness")).getText())
                .startsWith("data up to "
                        + rig.text("select max(date)::text from covid_us_daily").orElseThrow() + ", loaded")
                .contains("820 rows in public.covid_us_daily");
        assertThat(browser.findElements(By.cssSelector("#credits a")))
                .extracting(WebElement::getText)
                .anySatisfy(t -> assertThat(t).contains("New York Times"));
    }

    @Test
    void the_runs_table_lists_the_runs_and_shows_a_script_value_as_text() {
        open("#/runs");
        List<WebElement> rows = browser.findElements(By.cssSelector("#runs-table tbody tr"));
        assertThat(rows).hasSize((int) rig.count("select count(*) from sluice.runs"));
        assertThat(rows.get(0).getText()).contains("FAILED").contains(HOSTILE);
        assertThat(rows.get(1).getText()).contains("SUCCEEDED").contains("820");
        assertThat((Long) script("return document.querySelectorAll('script').length"))
                .isEqualTo(2);
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    @Test
    void a_run_page_shows_its_changed_rows_and_the_scale_is_chosen_by_the_data_and_toggled() {
        open("#/runs/" + loaded.id());
        long logged = rig.count("select count(*) from sluice.change_log where run_id = " + loaded.id());
        assertThat(browser.findElements(By.cssSelector("#changes-table tbody tr")))
                .hasSize((int) Math.min(1000, logged));
        assertThat(browser.findElement(By.id("run-detail")).getText()).contains("820 inserted");

        // Deaths peak 80 times under cases: on a linear axis a flat line, so the chart starts logarithmic.
        open("#/p/covid-us");
        String axis = "return echarts.getInstanceByDom(document.getElementById('chart-cumulative'))"
                + ".getOption().yAxis[0].type";
        assertThat(script(axis)).isEqualTo("log");
        assertThat(browser.findElement(By.id("scale-toggle")).getText()).isEqualTo("Linear scale");
        browser.findElement(By.id("scale-toggle")).click();
        HeadlessChromium.awaitReady(browser);
        assertThat(script(axis)).isEqualTo("value");
        assertThat(browser.findElement(By.id("scale-toggle")).getText()).isEqualTo("Log scale");
    }
}
