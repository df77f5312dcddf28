package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunStatus;
import dev.sluice.SettableClock;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Trigger;
import dev.sluice.testing.ExpectedCovidTable;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.TestRig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;

/**
 * {@code sluice backfill} from a repository this test builds, with three commits of the real covid files from
 * {@code ../shared/data/covid} at their publication dates: replayed into a history table, each version starts at its
 * commit's time, so the table as of each commit is what the files at that commit say, computed here on its own
 * ({@link ExpectedCovidTable}).
 */
class BackfillIT {
    /** A commit of the repository: when, and the files it holds. */
    private record Published(Instant at, String nyt, String jhu) {}

    private static final List<Published> COMMITS = List.of(
            new Published(Instant.parse("2020-08-13T18:00:00Z"), "2020-08-13", "2020-03-23"),
            new Published(Instant.parse("2020-09-01T18:00:00Z"), "2020-08-13", "2020-09-01"),
            new Published(Instant.parse("2022-04-19T18:00:00Z"), "2022-04-19", "2021-02-01"));

    @Test
    void each_commit_is_a_run_as_of_its_time_and_as_of_answers_what_it_published() throws Exception {
        try (TestRig rig = new TestRig()) {
            Path repository = rig.home.resolve("covid-repo");
            try (Git git = Git.init().setDirectory(repository.toFile()).call()) {
                for (Published commit : COMMITS) {
                    Files.createDirectories(repository.resolve("nyt"));
                    Files.createDirectories(repository.resolve("jhu"));
                    Files.copy(
                            SharedData.nyt(commit.nyt()),
                            repository.resolve("nyt/us.csv"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    Files.copy(
                            SharedData.jhu(commit.jhu()),
                            repository.resolve("jhu/combined.csv"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    git.add().addFilepattern(".").call();
                    PersonIdent who = new PersonIdent("publisher", "p@example.org", commit.at(), ZoneOffset.UTC);
                    git.commit()
                            .setMessage("data through " + commit.nyt())
                            .setAuthor(who)
                            .setCommitter(who)
                            .call();
                }
            }
            PipelineSpec spec = new PipelineFileReader(Trust.none())
                    .parse(
                            "covid-us.yaml",
                            rig.server
                                    .covidUsPipeline()
                                    .replace("  table: covid_us_daily", "  table: covid_us_daily\n  mode: history"),
                            Optional.empty());
            SettableClock clock = new SettableClock(Instant.now());
            Backfill backfill =
                    new Backfill(rig.wiring.withClock(clock).pipeline(rig.database, RunProgress.NONE), clock);

            List<Backfill.Replayed> replayed = backfill.fromGit(
                    spec,
                    repository,
                    Map.of("nyt", "nyt/us.csv", "jhu", "jhu/combined.csv"),
                    Optional.empty(),
                    rig.home.resolve("work"),
                    r -> {});

            assertThat(replayed)
                    .extracting(Backfill.Replayed::at)
                    .containsExactlyElementsOf(
                            COMMITS.stream().map(Published::at).toList());
            assertThat(replayed).allSatisfy(r -> {
                assertThat(r.run().status()).isEqualTo(RunStatus.SUCCEEDED);
                assertThat(r.run().trigger()).isEqualTo(Trigger.BACKFILL);
                assertThat(r.run().startedAt()).isEqualTo(r.at());
            });
            assertThat(rig.count("select count(*) from sluice.notification_outbox"))
                    .as("told to nobody")
                    .isZero();
            assertThat(rig.count("select count(*) from sluice.feed_events")).isZero();

            List<String> differences = new ArrayList<>();
            try (Connection c = rig.database.connect()) {
                for (int i = 0; i < COMMITS.size(); i++) {
                    Published commit = COMMITS.get(i);
                    ExpectedCovidTable.create(
                            c, "expected_" + i, SharedData.nyt(commit.nyt()), SharedData.jhu(commit.jhu()));
                    String asOf = "(select date, cases, deaths, recovered from covid_us_daily where valid_from <= '"
                            + commit.at() + "' and (valid_to is null or valid_to > '" + commit.at() + "'))";
                    long missing = rig.count("select count(*) from (select * from expected_" + i
                            + " except select * from " + asOf + " a) d");
                    long extra = rig.count("select count(*) from (select * from " + asOf
                            + " a except select * from expected_" + i + ") d");
                    long rows = rig.count("select count(*) from " + asOf + " a");
                    long expected = rig.count("select count(*) from expected_" + i);
                    if (missing != 0 || extra != 0 || rows != expected) {
                        differences.add(commit.at() + ": " + missing + " missing, " + extra + " extra, " + rows + " of "
                                + expected);
                    }
                }
            }
            assertThat(differences).isEmpty();
            assertThat(rig.count("select count(distinct valid_from) from covid_us_daily"))
                    .isEqualTo(3);
        }
    }

    @Test
    void a_date_templates_past_days_are_replayed_each_as_of_its_day() {
        try (TestRig rig = new TestRig()) {
            for (String day : List.of("2026-01-01", "2026-01-02", "2026-01-03")) {
                rig.server.script(
                        "/daily-" + day + ".csv",
                        dev.sluice.testing.SourceServer.body(("date,value\n" + day + "," + day.substring(8) + "\n")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
            PipelineSpec spec = TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                    .parse(
                            "daily.yaml",
                            """
                            name: daily
                            sources:
                              - name: daily
                                url: %s
                                dates: { last: 1 }
                                key: [date]
                                columns:
                                  - { header: date, type: date }
                                  - { header: value, type: integer }
                            target:
                              table: daily
                            """.formatted(rig.server.url("/daily-").toString() + "{date:yyyy-MM-dd}.csv"),
                            Optional.empty()));
            SettableClock clock = new SettableClock(Instant.now());
            Backfill backfill =
                    new Backfill(rig.wiring.withClock(clock).pipeline(rig.database, RunProgress.NONE), clock);

            List<Backfill.Replayed> replayed = backfill.overDates(
                    spec, java.time.LocalDate.parse("2026-01-01"), java.time.LocalDate.parse("2026-01-03"), r -> {});

            assertThat(replayed)
                    .extracting(r -> r.publication() + " " + r.run().status() + " "
                            + r.run().inserted() + " " + r.run().startedAt())
                    .containsExactly(
                            "2026-01-01 SUCCEEDED 1 2026-01-01T12:00:00Z",
                            "2026-01-02 SUCCEEDED 1 2026-01-02T12:00:00Z",
                            "2026-01-03 SUCCEEDED 1 2026-01-03T12:00:00Z");
            assertThat(rig.rows("select date::text, value::text from daily order by date"))
                    .containsExactly(
                            List.of("2026-01-01", "1"), List.of("2026-01-02", "2"), List.of("2026-01-03", "3"));
        }
    }
}
