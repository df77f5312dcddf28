package dev.sluice.cli;

import dev.sluice.BuildInfo;
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
        BuildInfo build = BuildInfo.current();
        return new String[] {
            "sluice " + build.version(),
            "built from commit " + build.commit() + (build.dirty() ? " with uncommitted changes" : "") + " of "
                    + build.commitTime(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
