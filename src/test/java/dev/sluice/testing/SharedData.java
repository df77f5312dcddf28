package dev.sluice.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real source snapshots in {@code ../shared/data/covid}, read in place, never copied into the repository. */
public final class SharedData {
    private SharedData() {}

    public static Path covid() {
        return data("covid");
    }

    /** The real feeds of other shapes ({@code ../shared/data/feeds}: euribor, UK bond yields). */
    public static Path feeds() {
        return data("feeds");
    }

    private static Path data(String folder) {
        String configured = System.getProperty("sluice.shared");
        Path shared = configured != null ? Path.of(configured) : Path.of("..", "shared");
        Path data = shared.resolve("data").resolve(folder).toAbsolutePath().normalize();
        if (!Files.isDirectory(data)) {
            throw new IllegalStateException(
                    "the shared data is missing: " + data + " (clone ../shared beside the" + " project)");
        }
        return data;
    }

    public static Path nyt(String date) {
        return covid().resolve("nyt").resolve("us-" + date + ".csv");
    }

    public static Path jhu(String date) {
        return covid().resolve("jhu").resolve("time-series-19-covid-combined-" + date + ".csv");
    }
}
