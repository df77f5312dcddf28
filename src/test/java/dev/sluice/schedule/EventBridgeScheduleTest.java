package dev.sluice.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.SluiceException;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.ScheduleSpec;
import dev.sluice.config.Trust;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** sluice's cron as EventBridge Scheduler's: the fixture cases in {@code eventbridge-schedules.txt}, by hand. */
class EventBridgeScheduleTest {
    static Stream<String> cases() throws IOException, URISyntaxException {
        Path file =
                Path.of(Objects.requireNonNull(EventBridgeScheduleTest.class.getResource("/eventbridge-schedules.txt"))
                        .toURI());
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void a_fixture_case(String line) {
        String[] parts = line.split("\\|");
        ScheduleSpec schedule = new ScheduleSpec(parts[0].trim(), ZoneId.of(parts[1].trim()));
        String expected = parts[2].trim();
        if (expected.startsWith("refused: ")) {
            SluiceException e = catchThrowableOfType(SluiceException.class, () -> EventBridgeSchedule.of(schedule));
            assertThat(e).as(line).isNotNull();
            assertThat(e.getMessage()).contains(expected.substring("refused: ".length()));
            return;
        }
        EventBridgeSchedule converted = EventBridgeSchedule.of(schedule);
        assertThat(converted.expression()).isEqualTo(expected);
        assertThat(converted.zone()).isEqualTo(parts[1].trim());
    }

    /** Every bundled pipeline with a schedule can run on EventBridge, at the hour its file says. */
    @ParameterizedTest
    @ValueSource(strings = {"covid-us", "us-counties"})
    void every_bundled_schedule_converts(String name) {
        PipelineSpec spec = new PipelineFileReader(Trust.none()).read(name);
        spec.schedule().ifPresent(schedule -> {
            EventBridgeSchedule converted = EventBridgeSchedule.of(schedule);
            String[] six = schedule.cron().split("\\s+");
            assertThat(converted.expression()).startsWith("cron(" + six[1] + " " + six[2] + " ");
            assertThat(converted.zone()).isEqualTo(schedule.zone().getId());
        });
        if (name.equals("covid-us")) {
            assertThat(EventBridgeSchedule.of(spec.schedule().orElseThrow()).expression())
                    .isEqualTo("cron(0 19 * * ? *)");
        }
    }
}
