package dev.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium under Selenium, the way every dashboard test drives it: headless, no sandbox (CI runs as root),
 * nothing fetched from the network (no component updates, no sync), a fresh profile, and Debian's chromedriver so
 * that Selenium Manager never downloads one.
 */
public final class HeadlessChromium {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private HeadlessChromium() {}

    public static ChromeDriver start() {
        assertThat(new File(CHROMIUM))
                .as("install Debian's chromium (see .ci/run)")
                .exists();
        assertThat(new File(CHROMEDRIVER))
                .as("install Debian's chromium-driver (see .ci/run)")
                .exists();
        Path profile;
        try {
            profile = Files.createTempDirectory("sluice-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + profile,
                "--window-size=1400,1500");
        // The page's console, for the message of a test that waited in vain.
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    /** Waits until the page says it is ready: its data loaded and drawn; else fails with the page's console. */
    public static void awaitReady(ChromeDriver browser) {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(30))
                    .until(d -> "true"
                            .equals(((JavascriptExecutor) d).executeScript("return document.body.dataset.ready")));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(
                    "the page never became ready; its console: "
                            + browser.manage()
                                    .logs()
                                    .get(org.openqa.selenium.logging.LogType.BROWSER)
                                    .getAll(),
                    e);
        }
    }
}
