package dev.sluice.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.RunStatus;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.testing.HeadlessChromium;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard and API for pipelines of other shapes than covid-us: rates keyed by (date, tenor), which are one
 * series per tenor and never summed; stations without a time in their key, shown as a sorted, paged table with
 * booleans and instants; all without a description. Expected values come from the data generated here.
 */
class AnyFeedDashboardIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> TENORS =
            List.of("1w", "2w", "1m", "2m", "3m", "4m", "5m", "6m", "7m", "9m", "11m", "12m");
    private static final LocalDate FIRST = LocalDate.of(2024, 1, 1);
    private static final int DAYS = 30;
    private static final int STATIONS = 120;

    private static TestRig rig;
    private static HikariDataSource reader;
    private static DashboardServer server;
    private static ChromeDriver browser;
    private static Run pricesFirst;
    private static Run pricesSecond;

    /** The rate of tenor {@code t} on day {@code d}: larger tenors are higher, and every tenor moves daily. */
    private static double rate(int t, int d) {
        return Math.round((1.0 + t * 0.25 + Math.sin(d + t) * 0.1) * 1000) / 1000.0;
    }

    private static double elevation(int s) {
        return (s * 37 % 1000) + 0.5;
    }

    @BeforeAll
    static void start() throws Exception {
        rig = new TestRig();
        StringBuilder rates = new StringBuilder("date,tenor,rate\n");
        for (int d = 0; d < DAYS; d++) {
            for (int t = 0; t < TENORS.size(); t++) {
                rates.append(FIRST.plusDays(d))
                        .append(',')
                        .append(TENORS.get(t))
                        .append(',')
                        .append(rate(t, d))
                        .append('\n');
            }
        }
        StringBuilder stations = new StringBuilder("id,name,active,updated,elevation\n");
        for (int s = 1; s <= STATIONS; s++) {
            stations.append(s)
                    .append(",Station ")
                    .append(s)
                    .append(',')
                    .append(s % 3 == 0 ? "no" : "yes")
                    .append(',')
                    .append(Instant.parse("2024-01-01T00:00:00Z").plusSeconds(3600L * s))
                    .append(',')
                    .append(elevation(s))
                    .append('\n');
        }
        rig.server.script("/rates.csv", SourceServer.body(rates.toString().getBytes(StandardCharsets.UTF_8)));
        rig.server.script("/stations.csv", SourceServer.body(stations.toString().getBytes(StandardCharsets.UTF_8)));
        PipelineSpec ratesSpec = spec("""
                name: rates
                sources:
                  - name: rates
                    url: %s
                    key: [date, tenor]
                    columns:
                      - { header: date, type: date }
                      - { header: tenor }
                      - { header: rate, type: double }
                target: { table: rates }
                """.formatted(rig.server.url("/rates.csv")));
        PipelineSpec stationsSpec = spec("""
                name: stations
                sources:
                  - name: stations
                    url: %s
                    key: [id]
                    columns:
                      - { header: id, type: integer }
                      - { header: name }
                      - { header: active, type: boolean }
                      - { header: updated, type: timestamptz }
                      - { header: elevation, type: double }
                target: { table: stations }
                """.formatted(rig.server.url("/stations.csv")));
        for (PipelineSpec spec : List.of(ratesSpec, stationsSpec)) {
            Run run = rig.run(spec);
            assertThat(run.status())
                    .as(run.error().map(e -> e.message()).orElse(""))
                    .isEqualTo(RunStatus.SUCCEEDED);
        }
        PipelineSpec pricesSpec = spec("""
                name: prices
                sources:
                  - name: prices
                    url: %s
                    key: [item]
                    columns:
                      - { header: item }
                      - { header: price, type: decimal }
                target: { table: prices, mode: history, guards: { max_row_drop: none } }
                """.formatted(rig.server.url("/prices.csv")));
        rig.server.script(
                "/prices.csv",
                SourceServer.body("item,price\napple,1.00\npear,2.00\nfig,3.00\n".getBytes(StandardCharsets.UTF_8)));
        pricesFirst = rig.run(pricesSpec);
        rig.server.script(
                "/prices.csv",
                SourceServer.body("item,price\napple,1.10\npear,2.00\n".getBytes(StandardCharsets.UTF_8)));
        pricesSecond = rig.run(pricesSpec);
        assertThat(pricesSecond.deleted()).isEqualTo(1);
        reader = rig.database.openReader(Optional.empty(), 4);
        server = new DashboardServer(
                        List.of(ratesSpec, stationsSpec, pricesSpec),
                        reader,
                        rig.wiring.history(),
                        4,
                        Optional.empty(),
                        s -> {},
                        List.of())
                .start("127.0.0.1", 0);
        browser = HeadlessChromium.start();
    }

    private static PipelineSpec spec(String yaml) {
        return TestRig.withFastFetch(new PipelineFileReader(Trust.none()).parse("p.yaml", yaml, Optional.empty()));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        server.close();
        reader.close();
        rig.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** Tenor indexes by their latest rate, largest first (ties by name), as the picker must list them. */
    private static List<Integer> byLatestRate() {
        List<Integer> order = new ArrayList<>();
        for (int t = 0; t < TENORS.size(); t++) {
            order.add(t);
        }
        order.sort(Comparator.<Integer>comparingDouble(t -> -rate(t, DAYS - 1)).thenComparing(TENORS::get));
        return order;
    }

    @Test
    void a_table_keyed_by_date_and_tenor_is_one_series_per_tenor_never_summed() throws Exception {
        JsonNode pipelines = json("/api/pipelines");
        JsonNode rates = pipelines.get(0);
        assertThat(rates.get("timeKey").asText()).isEqualTo("date");
        assertThat(rates.get("seriesKeys").get(0).asText()).isEqualTo("tenor");
        assertThat(rates.get("perSeries").asBoolean()).isTrue();
        assertThat(rates.get("description").asText()).isEmpty();

        HttpResponse<String> unnamed = get("/api/pipelines/rates/series");
        assertThat(unnamed.statusCode()).isEqualTo(400);
        assertThat(unnamed.body()).contains("name one series: tenor=...");

        JsonNode series = json("/api/pipelines/rates/series?tenor=3m&from=2024-01-10&to=2024-01-12");
        assertThat(series.get("dates"))
                .extracting(JsonNode::asText)
                .containsExactly("2024-01-10", "2024-01-11", "2024-01-12");
        int threeMonths = TENORS.indexOf("3m");
        assertThat(series.at("/series/rate"))
                .extracting(JsonNode::asDouble)
                .containsExactly(rate(threeMonths, 9), rate(threeMonths, 10), rate(threeMonths, 11));

        JsonNode entities = json("/api/pipelines/rates/entities?limit=3");
        assertThat(entities.get("total").asLong()).isEqualTo(TENORS.size());
        List<Integer> order = byLatestRate();
        assertThat(entities.get("entities"))
                .extracting(e -> e.at("/key/tenor").asText())
                .containsExactly(TENORS.get(order.get(0)), TENORS.get(order.get(1)), TENORS.get(order.get(2)));
        assertThat(entities.at("/entities/0/latest").asDouble()).isEqualTo(rate(order.get(0), DAYS - 1));
        assertThat(entities.at("/entities/0/at").asText())
                .isEqualTo(FIRST.plusDays(DAYS - 1).toString());
        JsonNode found = json("/api/pipelines/rates/entities?q=1&limit=20");
        assertThat(found.get("entities"))
                .extracting(e -> e.at("/key/tenor").asText())
                .containsExactlyInAnyOrder("1w", "1m", "11m", "12m");

        JsonNode rows = json("/api/pipelines/rates/rows?tenor=12m&from=2024-01-30");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("rate").asDouble()).isEqualTo(rate(TENORS.indexOf("12m"), 29));
        HttpResponse<String> typo = get("/api/pipelines/rates/rows?tenr=12m");
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(typo.body()).contains("unknown parameter 'tenr'").contains("[tenor]");
    }

    @Test
    void a_table_without_a_time_is_a_sorted_paged_table_of_typed_values() throws Exception {
        JsonNode page = json("/api/pipelines/stations/rows?limit=50&offset=50&sort=elevation&dir=desc");
        List<Integer> byElevation = new ArrayList<>();
        for (int s = 1; s <= STATIONS; s++) {
            byElevation.add(s);
        }
        byElevation.sort(Comparator.<Integer>comparingDouble(s -> -elevation(s)).thenComparing(s -> s));
        assertThat(page).hasSize(50);
        assertThat(page).extracting(r -> r.get("id").asInt()).containsExactlyElementsOf(byElevation.subList(50, 100));
        JsonNode third = json("/api/pipelines/stations/rows?limit=1&offset=2").get(0);
        assertThat(third.get("active").isBoolean()).isTrue();
        assertThat(third.get("active").asBoolean()).isFalse();
        assertThat(third.get("updated").asText()).isEqualTo("2024-01-01T03:00:00Z");
        assertThat(get("/api/pipelines/stations/series").statusCode()).isEqualTo(404);
        assertThat(get("/api/pipelines/stations/rows?sort=nope").statusCode()).isEqualTo(400);
    }

    private static Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    private static void open(String hash) {
        browser.get("http://127.0.0.1:" + server.port() + "/" + hash);
        HeadlessChromium.awaitReady(browser);
    }

    private static long chartedSeries() {
        return (Long) script(
                "return echarts.getInstanceByDom(document.getElementById('chart-rate')).getOption().series.length");
    }

    private static void assertNothingMissingIsShown() {
        String text = browser.findElement(By.tagName("body")).getText();
        assertThat(text).doesNotContain("null").doesNotContain("undefined").doesNotContain("NaN");
    }

    @Test
    void the_picker_shows_the_largest_series_first_finds_others_and_charts_what_is_chosen() {
        open("#/p/rates");
        List<WebElement> chips = browser.findElements(By.cssSelector("#series-list .series-chip"));
        List<Integer> order = byLatestRate();
        assertThat(chips).hasSize(10);
        assertThat(chips.get(0).getText()).startsWith(TENORS.get(order.get(0)));
        assertThat(browser.findElements(By.cssSelector("#series-list .series-chip[aria-pressed='true']")))
                .hasSize(5);
        assertThat(chartedSeries()).isEqualTo(5);
        assertThat(browser.findElement(By.id("series-count")).getText()).startsWith("12 series");
        assertThat(browser.findElements(By.id("description"))).isEmpty();
        assertNothingMissingIsShown();

        browser.findElement(By.id("series-search")).sendKeys("2w");
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(10))
                .until(d -> d.findElements(By.cssSelector("#series-list .series-chip"))
                                .size()
                        == 1);
        HeadlessChromium.awaitReady(browser);
        WebElement twoWeeks = browser.findElement(By.cssSelector("#series-list .series-chip"));
        assertThat(twoWeeks.getText()).startsWith("2w");
        twoWeeks.click();
        HeadlessChromium.awaitReady(browser);
        assertThat(chartedSeries()).isEqualTo(6);
        assertThat(script("return echarts.getInstanceByDom(document.getElementById('chart-rate')).getOption()"
                        + ".series.map(s => s.name).includes('2w')"))
                .isEqualTo(true);
        assertNothingMissingIsShown();
        try {
            java.nio.file.Files.write(
                    java.nio.file.Path.of("target", "dashboard-series.png"),
                    browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void the_stations_table_sorts_pages_and_shows_instants_in_the_reader_s_zone_with_utc_on_hover() {
        open("#/p/stations");
        assertThat(browser.findElements(By.cssSelector("#rows-table tbody tr"))).hasSize(50);
        browser.findElement(By.cssSelector("#rows-table th[data-column='elevation']"))
                .click();
        HeadlessChromium.awaitReady(browser);
        browser.findElement(By.cssSelector("#rows-table th[data-column='elevation']"))
                .click();
        HeadlessChromium.awaitReady(browser);
        Map<Double, Integer> highest = new TreeMap<>(Comparator.reverseOrder());
        for (int s = 1; s <= STATIONS; s++) {
            highest.putIfAbsent(elevation(s), s);
        }
        WebElement first = browser.findElement(By.cssSelector("#rows-table tbody tr"));
        assertThat(first.findElement(By.cssSelector("td")).getText())
                .isEqualTo(String.valueOf(highest.values().iterator().next()));
        browser.findElement(By.id("table-next")).click();
        HeadlessChromium.awaitReady(browser);
        assertThat(browser.findElement(By.id("table-position")).getText()).isEqualTo("rows 51–100 of 120");
        WebElement instant =
                browser.findElements(By.cssSelector("#rows-table tbody tr td")).get(3);
        assertThat(instant.getAttribute("title")).matches("2024-01-\\d\\dT\\d\\d:00:00Z \\(UTC\\)");
        assertThat(instant.getText())
                .doesNotContainPattern("\\d{4}-\\d\\d-\\d\\dT")
                .contains("2024");
        assertThat(browser.findElements(By.cssSelector("#rows-table tbody td")))
                .extracting(WebElement::getText)
                .contains("true", "false");
        assertNothingMissingIsShown();
    }

    @Test
    void a_history_table_answers_as_of_a_time_and_its_runs_show_what_they_deleted() throws Exception {
        assertThat(json("/api/pipelines/prices/rows?as_of=" + pricesFirst.startedAt())
                        .findValuesAsText("item"))
                .containsExactly("apple", "fig", "pear");
        JsonNode now = json("/api/pipelines/prices/rows?as_of=" + pricesSecond.startedAt());
        assertThat(now.findValuesAsText("item")).containsExactly("apple", "pear");
        assertThat(now.get(0).get("price").decimalValue()).isEqualByComparingTo("1.10");
        assertThat(json("/api/pipelines/prices/rows")).hasSize(4);
        assertThat(get("/api/pipelines/rates/rows?as_of=2024-01-01").statusCode())
                .isEqualTo(400);

        open("#/p/prices");
        assertThat(browser.findElements(By.cssSelector("#rows-table tbody tr"))).hasSize(4);
        assertThat(browser.findElements(By.cssSelector("#runs-table th")))
                .extracting(WebElement::getText)
                .contains("Deleted");
        WebElement latestRun =
                browser.findElement(By.cssSelector("#runs-table tbody tr[data-run-id='" + pricesSecond.id() + "']"));
        assertThat(latestRun.findElements(By.tagName("td")).get(7).getText()).isEqualTo("1");
        script("const input = document.getElementById('as-of'); input.value = '"
                + LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1)
                + "'; input.dispatchEvent(new Event('change'));");
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(10))
                .until(d ->
                        d.findElements(By.cssSelector("#rows-table tbody tr")).size() == 2);
        assertNothingMissingIsShown();
    }
}
