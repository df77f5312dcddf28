package dev.sluice.init;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunStatus;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.testing.TestRig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code sluice init} on the shapes of real feeds, one case per directory of {@code init-cases}: {@code input.csv}
 * is the feed, {@code expected.yaml} the pipeline file init must write (checked by hand; its first line, which names
 * the file's temporary path, aside), and {@code next.csv}, when there is one, the feed's next publication. What init
 * wrote is read as {@code sluice check} reads it and run unedited, on the first publication and on the next: every
 * run succeeds. Each case is named for the guess it pins.
 */
class InitCasesIT {
    private static TestRig rig;

    @BeforeAll
    static void start() {
        rig = new TestRig();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    static Stream<Path> cases() throws IOException, URISyntaxException {
        Path root = Path.of(InitCasesIT.class.getResource("/init-cases").toURI());
        return Files.list(root).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void init_writes_what_the_case_expects_and_the_file_loads_the_next_publication_too(Path dir) throws IOException {
        Path work = Files.createTempDirectory(rig.home, dir.getFileName().toString());
        Path input = work.resolve("input.csv");
        Files.copy(dir.resolve("input.csv"), input);

        Initializer.Result init = rig.wiring
                .initializer()
                .initialize(new Initializer.Request(
                        List.of(input.toString()),
                        Optional.of(dir.getFileName().toString().replace('_', '-')),
                        work));

        String written = withoutFirstLine(init.yaml());
        Path expected = dir.resolve("expected.yaml");
        if (!Files.exists(expected)) {
            Path proposed = Path.of("target", "init-cases", dir.getFileName().toString() + ".yaml");
            Files.createDirectories(proposed.getParent());
            Files.writeString(proposed, written);
            throw new AssertionError("no expected.yaml: check " + proposed + " by hand and copy it there");
        }
        assertThat(written).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));

        Path pipeline = work.resolve("pipeline.yaml");
        Files.writeString(pipeline, init.yaml());
        PipelineSpec spec = TestRig.withFastFetch(new PipelineFileReader(Trust.none()).read(pipeline.toString()));
        Run first = rig.run(spec);
        assertThat(first.status())
                .as(first.error().map(RunError::message).orElse(""))
                .isEqualTo(RunStatus.SUCCEEDED);
        if (Files.exists(dir.resolve("next.csv"))) {
            Files.copy(dir.resolve("next.csv"), input, StandardCopyOption.REPLACE_EXISTING);
            Run next = rig.run(spec);
            assertThat(next.status())
                    .as(next.error().map(RunError::message).orElse(""))
                    .isEqualTo(RunStatus.SUCCEEDED);
        }
    }

    private static String withoutFirstLine(String yaml) {
        return yaml.substring(yaml.indexOf('\n') + 1);
    }
}
