package dev.sluice.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunStatus;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.init.Initializer;
import dev.sluice.testing.BrowsedDashboard;
import dev.sluice.testing.HeadlessChromium;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * Charts of a multi-series feed tell the truth, on a monthly exchange-rate file written by hand: USD and GBP are
 * published to 2024-03, XEU stopped in 2000 at a value a million times USD's (as a currency of hyperinflation
 * would). The default view charts the current series only, says how old XEU is, labels months as months, and a
 * chart that holds series of different orders of magnitude uses a log axis, and a declared unit is shown. A pipeline that never ran says how to
 * load it; a history table's as-of date is part of the address.
 */
class TruthfulChartsIT {
    private static final String RATES = "date,currency,rate\n"
            + "1999-01-01,XEU,250000\n2000-01-01,XEU,1200000\n"
            + "2024-01-01,USD,1.10\n2024-02-01,USD,1.20\n2024-03-01,USD,1.30\n"
            + "2024-01-01,GBP,0.85\n2024-02-01,GBP,0.86\n2024-03-01,GBP,0.88\n";

    private static TestRig rig;
    private static BrowsedDashboard dashboard;

    @BeforeAll
    static void start() throws IOException {
        rig = new TestRig();
        rig.server.script("/rates.csv", SourceServer.body(RATES.getBytes(StandardCharsets.UTF_8)));
        rig.server.script(
                "/prices.csv", SourceServer.body("item,price\napple,1.00\n".getBytes(StandardCharsets.UTF_8)));
        PipelineSpec rates = spec("""
                name: rates
                sources:
                  - name: rates
                    url: %s
                    key: [date, currency]
                    columns:
                      - { header: date, type: date }
                      - { header: currency }
                      - { header: rate, type: decimal }
                target: { table: rates }
                dashboard: { units: { rate: per EUR } }
                """.formatted(rig.server.url("/rates.csv")));
        PipelineSpec prices = spec("""
                name: prices
                sources:
                  - name: prices
                    url: %s
                    key: [item]
                    columns:
                      - { header: item }
                      - { header: price, type: decimal }
                target: { table: prices, mode: history }
                """.formatted(rig.server.url("/prices.csv")));
        PipelineSpec neverRan = spec("""
                name: never-ran
                sources:
                  - name: s
                    url: %s
                    key: [item]
                    columns:
                      - { header: item }
                      - { header: price, type: decimal }
                target: { table: never_ran }
                """.formatted(rig.server.url("/prices.csv")));
        assertThat(rig.run(rates).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(rig.run(prices).status()).isEqualTo(RunStatus.SUCCEEDED);
        PipelineSpec euribor = euribor();
        assertThat(rig.run(euribor).status()).isEqualTo(RunStatus.SUCCEEDED);
        dashboard = new BrowsedDashboard(rig, List.of(rates, prices, neverRan, euribor));
    }

    @AfterAll
    static void stop() {
        if (dashboard != null) {
            dashboard.close();
        }
        rig.close();
    }

    /** The real euribor feed, fifteen files of one source over loopback, as init writes its pipeline. */
    private static PipelineSpec euribor() throws IOException {
        List<String> urls = new ArrayList<>();
        for (Path file : euriborFiles()) {
            String path = "/euribor/" + file.getFileName();
            rig.server.script(path, SourceServer.body(Files.readAllBytes(file)));
            urls.add(rig.server.url(path).toString());
        }
        Path dir = Files.createTempDirectory(rig.home, "euribor");
        Initializer.Result init =
                rig.wiring.initializer().initialize(new Initializer.Request(urls, Optional.of("euribor"), dir));
        Path file = dir.resolve("euribor.yaml");
        Files.writeString(file, init.yaml());
        return TestRig.withFastFetch(new PipelineFileReader(Trust.none()).read(file.toString()));
    }

    private static List<Path> euriborFiles() throws IOException {
        try (Stream<Path> entries = Files.list(SharedData.feeds().resolve("euribor"))) {
            return entries.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
    }

    /** Each maturity's last date with a rate, read from the files: {@code date,rate,maturity_level,granularity}. */
    private static Map<String, String> lastRateDates() throws IOException {
        Map<String, String> last = new TreeMap<>();
        for (Path file : euriborFiles()) {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.split(",", -1);
                if (!fields[1].isEmpty()) {
                    last.merge(fields[2], fields[0], (a, b) -> a.compareTo(b) >= 0 ? a : b);
                }
            }
        }
        return last;
    }

    private static PipelineSpec spec(String yaml) {
        return TestRig.withFastFetch(new PipelineFileReader(Trust.none()).parse("p.yaml", yaml, Optional.empty()));
    }

    private static Object script(String js) {
        return ((JavascriptExecutor) dashboard.browser).executeScript(js);
    }

    private static Object chartOption(String path) {
        return script("return echarts.getInstanceByDom(document.getElementById('chart-rate')).getOption()." + path);
    }

    private static List<String> chips(String selector) {
        return dashboard.browser.findElements(By.cssSelector("#series-list .series-chip" + selector)).stream()
                .map(WebElement::getText)
                .toList();
    }

    @Test
    void the_default_view_charts_current_series_and_says_how_old_the_others_are() {
        dashboard.open("#/p/rates");
        // Current series first, largest latest value first; the stale one last, with its last date.
        List<String> all = chips("");
        assertThat(all).hasSize(3);
        assertThat(all.get(0)).startsWith("USD");
        assertThat(all.get(1)).startsWith("GBP");
        assertThat(all.get(2)).startsWith("XEU").contains("(last 2000-01-01)");
        assertThat(chips("[aria-pressed='true']")).hasSize(2).noneMatch(text -> text.startsWith("XEU"));

        // Monthly data is labelled by month; USD and GBP are of one size: a linear axis.
        assertThat(script("return echarts.getInstanceByDom(document.getElementById('chart-rate')).getOption()"
                        + ".xAxis[0].axisLabel.formatter('2024-02-01')"))
                .isEqualTo("2024-02");
        assertThat(chartOption("yAxis[0].type")).isEqualTo("value");
        assertThat(chartOption("title[0].text")).isEqualTo("rate (per EUR)");

        // Adding XEU (a million times USD) would flatten the others onto zero: the axis becomes logarithmic (at 50
        // times: a series under 2% of the axis is a flat line).
        dashboard
                .browser
                .findElements(By.cssSelector("#series-list .series-chip"))
                .get(2)
                .click();
        HeadlessChromium.awaitReady(dashboard.browser);
        assertThat(chartOption("series.length")).isEqualTo(3L);
        assertThat(chartOption("yAxis[0].type")).isEqualTo("log");
    }

    @Test
    void a_pipeline_that_never_ran_says_how_to_load_it() {
        dashboard.open("#/p/never-ran");
        assertThat(dashboard.browser.findElement(By.id("empty")).getText())
                .contains("Nothing is loaded yet: never-ran has not run.")
                .contains("sluice run --pipeline");
        assertThat(dashboard.browser.findElements(By.cssSelector(".chart"))).isEmpty();
    }

    @Test
    void a_history_tables_as_of_date_is_part_of_the_address() {
        dashboard.open("#/p/prices?as_of=2024-02-01");
        WebElement asOf = dashboard.browser.findElement(By.id("as-of"));
        assertThat(asOf.getAttribute("value")).isEqualTo("2024-02-01");

        // Not ready until the navigation the change starts has drawn the page again.
        script("document.body.dataset.ready = 'false'; const input = document.getElementById('as-of');"
                + " input.value = '2024-03-05'; input.dispatchEvent(new Event('change'));");
        HeadlessChromium.awaitReady(dashboard.browser);
        assertThat(script("return location.hash")).isEqualTo("#/p/prices?as_of=2024-03-05");
        assertThat(dashboard.browser.findElement(By.id("as-of")).getAttribute("value"))
                .isEqualTo("2024-03-05");
    }

    /**
     * On the real euribor feed, ten maturities stopped being published (the last in 2018) while five go on: the
     * default view charts current maturities only, and each stopped one says its last date.
     */
    @Test
    void the_real_euribor_feed_charts_its_current_maturities_by_default() throws Exception {
        Map<String, String> last = lastRateDates();
        String latest = last.values().stream().max(String::compareTo).orElseThrow();
        List<String> current = last.entrySet().stream()
                .filter(e -> e.getValue().equals(latest))
                .map(Map.Entry::getKey)
                .toList();
        assertThat(current)
                .as("the feed has current and stopped maturities")
                .isNotEmpty()
                .hasSizeLessThan(15);

        dashboard.open("#/p/euribor");
        List<String> pressed = chips("[aria-pressed='true']");
        assertThat(pressed).hasSize(Math.min(5, current.size()));
        assertThat(pressed).allSatisfy(chip -> assertThat(current).contains(chip.split(" ")[0]));
        for (String chip : chips("")) {
            String maturity = chip.split(" ")[0];
            if (!current.contains(maturity)) {
                assertThat(chip).contains("(last " + last.get(maturity) + ")");
            }
        }
        Files.write(
                Path.of("target", "dashboard-euribor.png"),
                dashboard.browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }
}
