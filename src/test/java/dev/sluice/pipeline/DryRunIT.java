package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ErrorKind;
import dev.sluice.Main;
import dev.sluice.RunStatus;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code sluice run --dry-run}: everything a run does, expectations included, then a rollback. The database is as it
 * was (the table's rows and row versions, the sources' state, the outbox, the feed's freshness), the history holds
 * the dry run as such, and the command prints the counts, the revisions, the expectations and the changes.
 */
class DryRunIT {
    private static final String FIRST = "date,name,value\n2026-01-01,a,1\n2026-01-01,b,2\n";
    private static final String NEXT = "date,name,value\n2026-01-01,a,1\n2026-01-01,b,4\n2026-01-02,a,5\n";

    private static String pipelineText(TestRig rig) {
        return """
                name: daily
                sources:
                  - name: daily
                    url: %s
                    key: [date, name]
                    columns:
                      - { header: date, type: date }
                      - { header: name }
                      - { header: value, type: integer }
                expect:
                  changes_within: 36h
                target:
                  table: daily
                expectations:
                  - { column: name, accepted_values: [a, b] }
                """.formatted(rig.server.url("/daily.csv"));
    }

    private static void publish(TestRig rig, String csv) {
        rig.server.script("/daily.csv", SourceServer.body(csv.getBytes(StandardCharsets.UTF_8)));
    }

    /** Everything a run may change, as one text: equal texts mean the database is as it was. */
    private static String everything(TestRig rig) {
        return String.join(
                "\n",
                rig.tableState("daily", "date, name"),
                rig.text("select string_agg(source || ' ' || url || ' ' || sha256 || ' ' || rows || ' ' || changed_at,"
                                + " '|') from sluice.source_state")
                        .orElse("-"),
                rig.text("select count(*)::text from sluice.notification_outbox")
                        .orElse("-"),
                rig.text("select string_agg(source || ' ' || state || ' ' || since, '|') from sluice.feed_health")
                        .orElse("-"),
                rig.text("select count(*)::text from sluice.runs where not dry_run")
                        .orElse("-"));
    }

    private record DryRun(int exitCode, String out) {}

    /** {@code sluice run --pipeline FILE --dry-run}, as a user types it, on the rig's database. */
    private static DryRun dryRun(TestRig rig, Path file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new Main(
                        Map.of("SLUICE_HOME", rig.home.toString(), "SLUICE_DB_URL", rig.url),
                        Clock.systemUTC(),
                        new PrintStream(out),
                        new PrintStream(new ByteArrayOutputStream()),
                        false)
                .execute("run", "--pipeline", file.toString(), "--dry-run");
        return new DryRun(code, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void a_dry_run_shows_what_a_run_would_do_and_leaves_everything_as_it_was() throws Exception {
        try (TestRig rig = new TestRig()) {
            Path file = rig.home.resolve("daily.yaml");
            Files.writeString(file, pipelineText(rig));
            PipelineSpec spec = TestRig.withFastFetch(
                    new PipelineFileReader(Trust.none()).parse("daily.yaml", pipelineText(rig), Optional.empty()));
            publish(rig, FIRST);
            assertThat(rig.run(spec).status()).isEqualTo(RunStatus.SUCCEEDED);
            publish(rig, NEXT);
            String before = everything(rig);

            DryRun dry = dryRun(rig, file);

            assertThat(dry.exitCode()).isZero();
            assertThat(everything(rig)).isEqualTo(before);
            String printed = dry.out();
            assertThat(printed)
                    .contains("daily SUCCEEDED (dry run: rolled back, nothing kept but this record)")
                    .contains("rows: 1 inserted, 1 updated, 1 unchanged")
                    .contains("revised: 1 past dates revised (2026-01-01), largest change +100.0% in value at"
                            + " 2026-01-01, b")
                    .contains("expectation name accepted_values: passed")
                    .contains("UPDATE {\"date\":\"2026-01-01\",\"name\":\"b\"}: value 2 -> 4")
                    .contains("INSERT {\"date\":\"2026-01-02\",\"name\":\"a\"}");
            Run recorded = rig.wiring
                    .history()
                    .recent(rig.database.connect(), 1, Optional.of("daily"))
                    .get(0);
            assertThat(recorded.audit().dryRun()).isTrue();
            assertThat(recorded.updated()).isEqualTo(1);
            assertThat(rig.count("select count(*) from sluice.change_log where run_id = " + recorded.id()))
                    .as("the dry run keeps the sample of changes it showed")
                    .isEqualTo(2);

            // The real run afterwards loads, as if the dry run had never been.
            Run real = rig.run(spec);
            assertThat(List.of(real.status(), real.inserted(), real.updated()))
                    .containsExactly(RunStatus.SUCCEEDED, 1L, 1L);
        }
    }

    @Test
    void a_dry_run_that_would_fail_exits_1_and_changes_nothing() throws Exception {
        try (TestRig rig = new TestRig()) {
            Path file = rig.home.resolve("daily.yaml");
            Files.writeString(file, pipelineText(rig));
            publish(rig, FIRST);
            PipelineSpec spec = TestRig.withFastFetch(
                    new PipelineFileReader(Trust.none()).parse("daily.yaml", pipelineText(rig), Optional.empty()));
            rig.run(spec);
            publish(rig, FIRST + "2026-01-02,c,3\n");
            String before = everything(rig);

            DryRun dry = dryRun(rig, file);

            assertThat(dry.exitCode()).isEqualTo(1);
            assertThat(everything(rig)).isEqualTo(before);
            assertThat(dry.out())
                    .contains("daily FAILED (dry run")
                    .contains(ErrorKind.EXPECTATION_FAILED.name())
                    .contains("1 rows of name outside [a, b], such as 'c'");
        }
    }
}
