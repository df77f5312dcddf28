package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.history.Trigger;
import dev.sluice.pipeline.RunRequest;
import dev.sluice.testing.FailureWitness;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import dev.sluice.testing.TestRig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The modes on real publications, and the life of a table around them: the NYT series as a history table checked
 * as of every run; a mirror that loses half its rows stopped by its guard, then forced; schema evolution (a column
 * added, one dropped, a type changed, a key changed, a frozen schema); quarantine within and past its limit. Expected
 * tables are read from the files here, with a plain split of each line.
 */
class LoadModesIT {
    private static final Path OLD = SharedData.nyt("2020-08-13");
    private static final Path NEW = SharedData.nyt("2022-04-19");

    private TestRig rig;
    private FailureWitness witness;

    /** The PostgreSQL major these tests run on: 17 here, 15 in {@link LoadModesOnPostgres15IT}. */
    int postgresMajor() {
        return 17;
    }

    @BeforeEach
    void start() {
        rig = new TestRig(TestDatabase.createDatabase(postgresMajor()));
        witness = new FailureWitness(rig, "nyt_daily", "date");
    }

    @AfterEach
    void stop() {
        witness.close();
        rig.close();
    }

    private PipelineSpec nyt(String target, String columns) {
        return witness.watch(TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                .parse("nyt.yaml", """
                        name: nyt
                        sources:
                          - name: nyt
                            url: %s
                            key: [date]
                            columns:
                        %s
                        target:
                          table: nyt_daily
                        %s
                        """.formatted(rig.server.url("/us.csv"), columns, target), Optional.empty())));
    }

    private static final String COLUMNS = columns(
            "{ header: date, type: date }", "{ header: cases, type: integer }", "{ header: deaths, type: integer }");

    /** Column lines, indented as a source's {@code columns:} list. */
    private static String columns(String... lines) {
        return String.join(
                "\n", java.util.Arrays.stream(lines).map(l -> "      - " + l).toList());
    }

    private void publish(Path file) {
        rig.server.serveFile("/us.csv", file);
    }

    private void publish(String csv) {
        rig.server.script("/us.csv", SourceServer.body(csv.getBytes(StandardCharsets.UTF_8)));
    }

    /** The file's rows as {@code date|cases|deaths}, the expectation of a table that holds exactly it. */
    private static List<String> rows(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return lines.subList(1, lines.size()).stream()
                .filter(l -> !l.isBlank())
                .map(l -> l.replace(',', '|'))
                .toList();
    }

    private List<String> table(String sql) {
        return rig.rows(sql).stream().map(r -> String.join("|", r)).toList();
    }

    private static String message(Run run) {
        return run.error().map(RunError::message).orElse("");
    }

    @Test
    void a_history_table_of_the_nyt_series_answers_as_of_every_run() throws IOException {
        PipelineSpec spec = nyt("  mode: history", COLUMNS);
        publish(OLD);
        Run first = rig.run(spec);
        assertThat(first.status()).as(message(first)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(first.inserted()).isEqualTo(rows(OLD).size());

        publish(NEW);
        Run second = rig.run(spec);
        List<String> old = rows(OLD);
        List<String> now = rows(NEW);
        long revised = now.stream()
                .filter(r -> old.stream().anyMatch(o -> o.startsWith(r.substring(0, 11)) && !o.equals(r)))
                .count();
        long added = now.size()
                - now.stream()
                        .filter(r -> old.stream().anyMatch(o -> o.startsWith(r.substring(0, 11))))
                        .count();
        assertThat(List.of(second.inserted(), second.updated(), second.deleted()))
                .isEqualTo(List.of(added, revised, 0L));

        String asOf = "select date::text, cases::text, deaths::text from nyt_daily where valid_from <= '%s'"
                + " and (valid_to is null or valid_to > '%s') order by date";
        assertThat(table(asOf.formatted(first.startedAt(), first.startedAt()))).isEqualTo(old);
        assertThat(table(asOf.formatted(second.startedAt(), second.startedAt())))
                .isEqualTo(now);
        assertThat(table("select date::text, cases::text, deaths::text from nyt_daily_current order by date"))
                .isEqualTo(now);
        assertThat(rig.count("select count(*) from nyt_daily")).isEqualTo(old.size() + added + revised);

        // The old file again: the dates it lacks are closed; its revised values are new versions. The guard
        // against a drop of over 10% of the rows stops it, and --force goes through, saying so.
        publish(OLD);
        witness.remember();
        Run dropped = rig.run(spec);
        RunError error = witness.assertFailedCleanly(spec, dropped, ErrorKind.ROW_COUNT_DROP);
        assertThat(error.message())
                .contains(String.format(
                        "%,d rows, %,d fewer than the %,d", old.size(), now.size() - old.size(), now.size()))
                .contains("guards.max_row_drop allows 10%");
        Run forced = rig.pipeline().run(spec, RunRequest.forced(Trigger.CLI));
        assertThat(forced.status()).as(message(forced)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(forced.deleted()).isEqualTo(now.size() - old.size());
        assertThat(forced.updated()).isEqualTo(revised);
        assertThat(forced.warnings()).anySatisfy(w -> assertThat(w).startsWith("guard overridden by --force: nyt:"));
        assertThat(table(asOf.formatted(forced.startedAt(), forced.startedAt())))
                .isEqualTo(old);
        assertThat(table(asOf.formatted(second.startedAt(), second.startedAt())))
                .isEqualTo(now);
    }

    @Test
    void a_mirror_deletes_what_the_publication_lacks_and_logs_it() throws IOException {
        PipelineSpec spec = nyt("  mode: mirror\n  guards: { max_row_drop: none }", COLUMNS);
        publish(NEW);
        assertThat(rig.run(spec).status()).isEqualTo(RunStatus.SUCCEEDED);
        publish(OLD);
        Run run = rig.run(spec);
        int gone = rows(NEW).size() - rows(OLD).size();
        assertThat(run.deleted()).isEqualTo(gone);
        assertThat(table("select date::text, cases::text, deaths::text from nyt_daily order by date"))
                .isEqualTo(rows(OLD));
        assertThat(rig.count("select count(*) from sluice.change_log where run_id = " + run.id()
                        + " and operation = 'DELETE' and new_values is null and old_values ? 'cases'"))
                .isEqualTo(gone);
    }

    @Test
    void a_column_added_is_added_one_dropped_stays_nullable_and_a_retype_or_rekey_fails_with_the_sql()
            throws IOException {
        publish(NEW);
        PipelineSpec two = nyt("", columns("{ header: date, type: date }", "{ header: cases, type: integer }"));
        assertThat(rig.run(two).status()).isEqualTo(RunStatus.SUCCEEDED);

        Run added = rig.run(nyt("", COLUMNS));
        assertThat(added.status()).as(message(added)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(added.warnings())
                .anySatisfy(w -> assertThat(w)
                        .isEqualTo(
                                "public.nyt_daily: added column deaths bigint (nullable: rows this run does not write keep"
                                        + " NULL)"));
        assertThat(added.updated()).isEqualTo(rows(NEW).size());
        assertThat(table("select date::text, cases::text, deaths::text from nyt_daily order by date"))
                .isEqualTo(rows(NEW));

        Run dropped = rig.run(nyt("", columns("{ header: date, type: date }", "{ header: deaths, type: integer }")));
        assertThat(dropped.status()).as(message(dropped)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(dropped.warnings())
                .anySatisfy(w -> assertThat(w).contains("column cases is no longer loaded; kept, now nullable"));

        witness.remember();
        PipelineSpec retyped = nyt(
                "",
                columns(
                        "{ header: date, type: date }",
                        "{ header: cases, type: decimal }",
                        "{ header: deaths, type: integer }"));
        RunError retype = witness.assertFailedCleanly(retyped, rig.run(retyped), ErrorKind.TARGET_SCHEMA);
        assertThat(retype.message())
                .contains("column cases is bigint; the pipeline loads numeric")
                .contains("alter table \"public\".\"nyt_daily\" alter column \"cases\" type numeric using"
                        + " \"cases\"::numeric");

        publish("date,cases,deaths,state\n2020-01-21,1,0,WA\n");
        PipelineSpec rekeyed = witness.watch(TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                .parse("nyt.yaml", """
                        name: nyt
                        sources:
                          - name: nyt
                            url: %s
                            key: [date, state]
                            columns:
                              - { header: date, type: date }
                              - { header: state }
                              - { header: cases, type: integer }
                              - { header: deaths, type: integer }
                        target: { table: nyt_daily }
                        """.formatted(rig.server.url("/us.csv")), Optional.empty())));
        RunError rekey = witness.assertFailedCleanly(rekeyed, rig.run(rekeyed), ErrorKind.TARGET_SCHEMA);
        assertThat(rekey.message()).contains("a key column").contains("add column \"state\" text");

        publish(NEW);
        PipelineSpec frozen = nyt("  schema_changes: freeze", COLUMNS);
        RunError freeze = witness.assertFailedCleanly(frozen, rig.run(frozen), ErrorKind.TARGET_SCHEMA);
        assertThat(freeze.message()).contains("(schema_changes: freeze)");
    }

    @Test
    void quarantine_keeps_invalid_rows_aside_within_its_limit_and_fails_past_it() {
        List<String> lines = new ArrayList<>(List.of("date,cases,deaths"));
        for (int d = 1; d <= 200; d++) {
            String date = java.time.LocalDate.of(2021, 1, 1).plusDays(d).toString();
            lines.add(date + "," + (d == 50 ? "lots" : String.valueOf(d * 10)) + "," + (d == 120 ? "-" : "1"));
        }
        publish(String.join("\n", lines) + "\n");
        PipelineSpec quarantining = TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                .parse("nyt.yaml", """
                        name: nyt
                        invalid_rows: quarantine
                        max_invalid: 1%%
                        sources:
                          - name: nyt
                            url: %s
                            key: [date]
                            columns:
                        %s
                        target: { table: nyt_daily }
                        """.formatted(rig.server.url("/us.csv"), COLUMNS), Optional.empty()));
        Run run = rig.run(quarantining);
        assertThat(run.status()).as(message(run)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.inserted()).isEqualTo(198);
        assertThat(run.warnings())
                .anySatisfy(w -> assertThat(w)
                        .startsWith("nyt: quarantined 2 invalid rows of 200 (invalid_rows:"
                                + " quarantine, max_invalid 1%)"));
        assertThat(table("select file is null, line::text as at_line, column_name, value, reason, raw_line"
                        + " from sluice.rejected_rows where run_id = " + run.id() + " order by line"))
                .containsExactly(
                        "t|51|cases|lots|is not a whole number|2021-02-20,lots,1",
                        "t|121|deaths|-|is not a whole number|2021-05-01,1200,-");

        lines.set(10, "2021-01-10,x,1");
        lines.set(11, "2021-01-11,y,1");
        publish(String.join("\n", lines) + "\n");
        witness.remember();
        PipelineSpec watched = witness.watch(quarantining);
        RunError error = witness.assertFailedCleanly(watched, rig.run(watched), ErrorKind.INVALID_VALUE);
        assertThat(error.message())
                .startsWith("nyt: 4 invalid rows of 200, more than max_invalid 1% allows (2); the first: nyt line 11");
        assertThat(rig.count("select count(*) from sluice.rejected_rows")).isEqualTo(2);
    }

    @Test
    void a_history_versioned_by_a_column_starts_each_version_at_its_value_and_never_goes_back() {
        FailureWitness prices = new FailureWitness(rig, "nyt_daily", "item, valid_from");
        PipelineSpec spec = prices.watch(TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                .parse("prices.yaml", """
                        name: prices
                        sources:
                          - name: prices
                            url: %s
                            key: [item]
                            columns:
                              - { header: item }
                              - { header: price, type: decimal }
                              - { header: as_of, type: timestamptz }
                        target:
                          table: nyt_daily
                          mode: history
                          valid_from: as_of
                        """.formatted(rig.server.url("/us.csv")), Optional.empty())));
        publish("item,price,as_of\napple,1.00,2021-03-01T00:00:00Z\npear,2.00,2021-03-01T00:00:00Z\n");
        assertThat(rig.run(spec).status()).isEqualTo(RunStatus.SUCCEEDED);
        publish("item,price,as_of\napple,1.10,2021-03-05T00:00:00Z\npear,2.00,2021-03-01T00:00:00Z\n");
        Run second = rig.run(spec);
        assertThat(List.of(second.inserted(), second.updated(), second.unchanged()))
                .isEqualTo(List.of(0L, 1L, 1L));
        assertThat(table("select item, price::text, valid_from::date::text, coalesce(valid_to::date::text, '-')"
                        + " from nyt_daily order by item, valid_from"))
                .containsExactly(
                        "apple|1.00|2021-03-01|2021-03-05", "apple|1.10|2021-03-05|-", "pear|2.00|2021-03-01|-");

        prices.remember();
        publish("item,price,as_of\napple,1.20,2021-03-02T00:00:00Z\npear,2.00,2021-03-01T00:00:00Z\n");
        RunError error = prices.assertFailedCleanly(spec, rig.run(spec), ErrorKind.RULE_VIOLATION);
        prices.close();
        assertThat(error.message())
                .contains("key apple changed, but its new version would start at 2021-03-02")
                .contains("valid_from must move forward");
    }

    @Test
    void an_append_table_adds_each_publication_once() {
        PipelineSpec spec = TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                .parse("events.yaml", """
                        name: events
                        sources:
                          - name: events
                            url: %s
                            columns:
                              - { header: at, type: timestamptz }
                              - { header: kind }
                        target: { table: nyt_daily, mode: append }
                        """.formatted(rig.server.url("/us.csv")), Optional.empty()));
        String day1 = "at,kind\n2021-03-01T10:00:00Z,login\n2021-03-01T10:00:00Z,login\n";
        String day2 = "at,kind\n2021-03-02T09:00:00Z,logout\n";
        publish(day1);
        Run first = rig.run(spec);
        assertThat(first.status()).as(message(first)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(first.inserted()).isEqualTo(2);
        publish(day2);
        Run second = rig.run(spec);
        assertThat(second.inserted()).isEqualTo(1);
        publish(day1);
        Run again = rig.pipeline().run(spec, RunRequest.forced(Trigger.CLI));
        assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(List.of(again.inserted(), again.unchanged())).isEqualTo(List.of(0L, 2L));
        assertThat(again.warnings())
                .anySatisfy(w -> assertThat(w)
                        .isEqualTo("events: appended by run " + first.id() + " already (the same sha256); not appended"
                                + " twice"));
        assertThat(table("select kind, run_id::text from nyt_daily order by run_id, at"))
                .containsExactly("login|" + first.id(), "login|" + first.id(), "logout|" + second.id());
    }
}
