package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.config.PipelineSpec;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.testing.FailureWitness;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.TestRig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The directory downloads are written to fills up: a 1 MiB tmpfs is mounted over it, too small for the 3.6 MB JHU
 * file. The run fails as LOCAL_IO naming the source and the file, nothing is loaded, the failure is notified, and
 * once there is room again the next run loads. Mounting needs root, which CI has; elsewhere the test is skipped.
 */
class DiskFullIT {
    private TestRig rig;
    private FailureWitness witness;
    private Path downloads;
    private boolean mounted;

    @BeforeEach
    void start() throws Exception {
        rig = new TestRig();
        witness = new FailureWitness(rig, "covid_us_daily", "date");
        downloads = Files.createDirectories(rig.home.resolve("tmp"));
        rig.server
                .serveFile("/nyt.csv", SharedData.nyt("2022-04-19"))
                .serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
    }

    @AfterEach
    void stop() throws Exception {
        if (mounted) {
            unmount();
        }
        witness.close();
        rig.close();
    }

    private static int command(String... args) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    private void fillUp() throws Exception {
        int status = command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", downloads.toString());
        if (status != 0) {
            assumeThat(ProcessHandle.current().info().user().orElse(""))
                    .as("mounting a tmpfs needs root")
                    .isEqualTo("root");
            throw new AssertionError("cannot mount a tmpfs as root");
        }
        mounted = true;
    }

    /** A cancelled download may hold its deleted file open for a moment: the mount is busy until it closes. */
    private void unmount() throws Exception {
        for (int attempt = 0; attempt < 100 && command("umount", downloads.toString()) != 0; attempt++) {
            Thread.sleep(50);
        }
        assertThat(command("mountpoint", "-q", downloads.toString()))
                .as("still mounted; open: %s", rig.openFiles())
                .isNotZero();
        mounted = false;
    }

    private void assertDiskFull(PipelineSpec spec, Run run) {
        RunError error = witness.assertFailedCleanly(spec, run, ErrorKind.LOCAL_IO);
        // Both sources download at once into the full directory: whichever is read first reports it.
        assertThat(error.source()).isIn("nyt", "jhu");
        assertThat(error.message()).contains("No space left on device").contains(downloads.toString());
    }

    @Test
    void a_full_download_directory_fails_a_first_load_cleanly_and_the_next_run_loads() throws Exception {
        PipelineSpec spec = witness.watch(rig.covidUs());
        witness.remember();
        fillUp();
        assertDiskFull(spec, rig.run(spec));
        assertThat(downloads).isEmptyDirectory();

        unmount();
        Run next = rig.run(spec);
        assertThat(next.status())
                .as(next.error().map(RunError::message).orElse(""))
                .isEqualTo(RunStatus.SUCCEEDED);
        assertThat(next.inserted()).isEqualTo(820);
    }

    @Test
    void a_full_download_directory_fails_a_later_load_cleanly() throws Exception {
        rig.server
                .serveFile("/nyt.csv", SharedData.nyt("2020-08-13"))
                .serveFile("/jhu.csv", SharedData.jhu("2020-09-01"));
        PipelineSpec spec = witness.watch(rig.covidUs());
        assertThat(rig.run(spec).status()).isEqualTo(RunStatus.SUCCEEDED);
        rig.server
                .serveFile("/nyt.csv", SharedData.nyt("2022-04-19"))
                .serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
        witness.remember();
        fillUp();

        assertDiskFull(spec, rig.run(spec));
        assertThat(downloads).isEmptyDirectory();
        assertThat(rig.rows("select status from sluice.runs order by id"))
                .extracting(r -> r.get(0))
                .isEqualTo(List.of("SUCCEEDED", "FAILED"));
    }
}
