package dev.sluice.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real source snapshots in {@code ../shared/data/covid}, read in place, never copied into the repository. */
public final class SharedData {
    private SharedData() {}

    public static Path covid() {
        String configured = System.getProperty("sluice.shared");
        Path shared = configured != null ? Path.of(configured) : Path.of("..", "shared");
        Path covid = shared.resolve("data").resolve("covid").toAbsolutePath().normalize();
        if (!Files.isDirectory(covid)) {
            throw new IllegalStateException(
                    "the shared data is missing: " + covid + " (clone ../shared beside the" + " project)");
        }
        return covid;
    }

    public static Path nyt(String date) {
        return covid().resolve("nyt").resolve("us-" + date + ".csv");
    }

    public static Path jhu(String date) {
        return covid().resolve("jhu").resolve("time-series-19-covid-combined-" + date + ".csv");
    }
}
