import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Time until the dashboard is usable, in a fresh headless Chromium each time (cold cache): the page records
 * performance.now() when its charts are drawn (document.body.dataset.readyMs), measured from navigation start.
 * Run by bench/web.sh with the project's test classpath: java -cp CP bench/PageTiming.java URL [RUNS]
 */
public class PageTiming {
    public static void main(String[] args) throws Exception {
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        List<Long> ready = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ChromeOptions options = new ChromeOptions();
            options.setBinary("/usr/bin/chromium");
            options.addArguments(
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--user-data-dir=" + Files.createTempDirectory("sluice-bench-"));
            ChromeDriver browser = new ChromeDriver(
                    new ChromeDriverService.Builder()
                            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                            .usingAnyFreePort()
                            .build(),
                    options);
            try {
                browser.get(args[0]);
                new WebDriverWait(browser, Duration.ofSeconds(30))
                        .pollingEvery(Duration.ofMillis(20))
                        .until(d -> "true"
                                .equals(((JavascriptExecutor) d).executeScript("return document.body.dataset.ready")));
                ready.add(Long.parseLong((String) browser.executeScript("return document.body.dataset.readyMs")));
            } finally {
                browser.quit();
            }
        }
        Collections.sort(ready);
        System.out.printf(
                "page usable after navigation: median %d ms, max %d ms, all %s%n",
                ready.get(ready.size() / 2), ready.get(ready.size() - 1), ready);
    }
}
