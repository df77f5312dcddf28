package dev.sluice.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.history.Change;
import dev.sluice.history.RowCounts;
import dev.sluice.history.Run;
import dev.sluice.history.RunAudit;
import dev.sluice.history.RunError;
import dev.sluice.history.SourceSummary;
import dev.sluice.history.Trigger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessageTextTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-11-25T19:00:00Z");

    private static Run run(RunStatus status, Optional<RunError> error, List<String> warnings) {
        return new Run(
                42,
                "covid-us",
                Trigger.SCHEDULE,
                status,
                START,
                Optional.of(START.plusMillis(812)),
                status == RunStatus.SUCCEEDED ? new RowCounts(1, 226, 0, 53) : RowCounts.NONE,
                Map.of("nyt", new SourceSummary("https://example.org/us.csv", 280, 9000, "ab", null, false)),
                warnings,
                error,
                227,
                List.of(),
                RunAudit.NONE);
    }

    @Test
    void subjects_say_the_outcome_in_one_line() {
        assertThat(MessageText.subject(
                        Notification.of(run(RunStatus.SUCCEEDED, Optional.empty(), List.of()), List.of())))
                .isEqualTo("[sluice] covid-us SUCCEEDED: 1 inserted, 226 updated, 53 unchanged");
        RunError error = new RunError(ErrorKind.INVALID_VALUE, "nyt", null, 20L, "deaths", "-1", "bad", List.of(), 0);
        assertThat(MessageText.subject(
                        Notification.of(run(RunStatus.FAILED, Optional.of(error), List.of()), List.of())))
                .isEqualTo("[sluice] covid-us FAILED: INVALID_VALUE in nyt line 20, column deaths");
        assertThat(MessageText.subject(
                        Notification.of(run(RunStatus.SKIPPED_LOCKED, Optional.empty(), List.of()), List.of())))
                .isEqualTo("[sluice] covid-us SKIPPED_LOCKED: another run was in progress");
    }

    @Test
    void changed_rows_show_old_and_new_values_of_the_columns_that_changed() throws Exception {
        Change update = new Change(
                42,
                1,
                Change.Operation.UPDATE,
                JSON.readTree("{\"date\":\"2020-10-27\"}"),
                JSON.readTree("{\"cases\":8800000,\"recovered\":null}"),
                JSON.readTree("{\"cases\":8800000,\"recovered\":3487666}"));
        Change insert = new Change(
                42,
                2,
                Change.Operation.INSERT,
                JSON.readTree("{\"date\":\"2022-04-19\"}"),
                null,
                JSON.readTree("{\"cases\":80645527,\"recovered\":null}"));
        assertThat(MessageText.describe(update)).isEqualTo("UPDATE date=2020-10-27: recovered NULL -> 3,487,666");
        assertThat(MessageText.describe(insert)).isEqualTo("INSERT date=2022-04-19: cases 80,645,527, recovered NULL");
    }

    @Test
    void html_escapes_every_value_that_came_from_a_source() {
        RunError error = new RunError(
                ErrorKind.INVALID_VALUE,
                "nyt",
                null,
                3L,
                "cases",
                "<script>alert(1)</script>",
                "nyt line 3, column cases: '<script>alert(1)</script>' is not a whole number",
                List.of(),
                0);
        Notification n =
                Notification.of(run(RunStatus.FAILED, Optional.of(error), List.of("a <b>bold</b> claim")), List.of());
        String html = MessageText.html(n);
        assertThat(html)
                .doesNotContain("<script>")
                .doesNotContain("<b>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("a &lt;b&gt;bold&lt;/b&gt; claim");
        assertThat(MessageText.slack(n).get("text").asText())
                .doesNotContain("<script>")
                .contains("&lt;script&gt;");
    }

    @Test
    void sns_subjects_are_printable_ascii_of_at_most_100_characters() {
        assertThat(SnsChannel.asciiSubject("[sluice] caf\u00e9 SUCCEEDED")).isEqualTo("[sluice] caf? SUCCEEDED");
        assertThat(SnsChannel.asciiSubject("x".repeat(150))).hasSize(100).endsWith("...");
    }
}
