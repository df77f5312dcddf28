package dev.sluice.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code sluice --version}: the version and the commit it was built from, with the commit's date, from the
 * {@code build.properties} the build writes (a build outside a git checkout has no commit, and says so). The
 * commit's date is the build's: the build pins its own timestamp ({@code project.build.outputTimestamp}) so that
 * two builds of one commit give the same jar.
 */
public final class VersionText implements IVersionProvider {
    @Override
    public String[] getVersion() {
        Properties build = new Properties();
        try (InputStream in = VersionText.class.getResourceAsStream("/dev/sluice/build.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String version = build.getProperty("git.build.version", "unknown");
        String commit = build.getProperty("git.commit.id.abbrev", "unknown");
        boolean dirty = Boolean.parseBoolean(build.getProperty("git.dirty", "false"));
        return new String[] {
            "sluice " + version,
            "built from commit " + commit + (dirty ? " with uncommitted changes" : "") + " of "
                    + build.getProperty("git.commit.time", "an unknown date"),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
