package dev.sluice;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What this build is: its version and the commit it was built from, as the build wrote them into the jar
 * ({@code sluice --version}, and {@code sluice_build_info} on {@code /metrics}).
 */
public record BuildInfo(String version, String commit, boolean dirty, String commitTime) {

    /** This jar's, or {@code unknown} parts when run from classes the build did not describe. */
    public static BuildInfo current() {
        Properties build = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/dev/sluice/build.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BuildInfo(
                build.getProperty("git.build.version", "unknown"),
                build.getProperty("git.commit.id.abbrev", "unknown"),
                Boolean.parseBoolean(build.getProperty("git.dirty", "false")),
                build.getProperty("git.commit.time", "an unknown date"));
    }
}
