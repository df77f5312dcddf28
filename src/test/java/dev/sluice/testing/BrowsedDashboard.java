package dev.sluice.testing;

import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.config.PipelineSpec;
import dev.sluice.web.DashboardServer;
import java.util.List;
import java.util.Optional;
import org.openqa.selenium.chrome.ChromeDriver;

/** The dashboard of a rig's pipelines on a loopback port, read through its own pool, with a headless Chromium. */
public final class BrowsedDashboard implements AutoCloseable {
    public final ChromeDriver browser;
    private final HikariDataSource reader;
    private final DashboardServer server;

    public BrowsedDashboard(TestRig rig, List<PipelineSpec> pipelines) {
        reader = rig.database.openReader(Optional.empty(), 4);
        server = new DashboardServer(pipelines, reader, rig.wiring.history(), 4, Optional.empty(), s -> {}, List.of())
                .start("127.0.0.1", 0);
        browser = HeadlessChromium.start();
    }

    /**
     * Opens {@code hash} ({@code #/runs/3}) in a fresh page and waits for it to say it is ready: a page's state (the
     * reader's scale choice) never carries from one test to the next.
     */
    public void open(String hash) {
        browser.get("about:blank");
        browser.get("http://127.0.0.1:" + server.port() + "/" + hash);
        HeadlessChromium.awaitReady(browser);
    }

    @Override
    public void close() {
        browser.quit();
        server.close();
        reader.close();
    }
}
