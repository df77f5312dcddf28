package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunStatus;
import dev.sluice.history.Run;
import dev.sluice.testing.ExpectedCovidTable;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The covid-us pipeline on the real snapshots in ../shared, served over HTTP on loopback, into real PostgreSQL. */
class PipelineLoadIT {
    private static final String ORDER = "date";
    private TestRig rig;

    @BeforeEach
    void start() {
        rig = new TestRig();
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    private Run load(Path nyt, Path jhu) {
        rig.server.serveFile("/nyt.csv", nyt).serveFile("/jhu.csv", jhu);
        return rig.run(rig.covidUs());
    }

    private void expect(String table, Path nyt, Path jhu) throws Exception {
        try (Connection c = rig.database.connect()) {
            ExpectedCovidTable.create(c, table, nyt, jhu);
        }
    }

    @Test
    void initial_load_equals_the_table_computed_independently_from_the_raw_files() throws Exception {
        Run run = load(SharedData.nyt("2022-04-19"), SharedData.jhu("2021-02-01"));
        expect("expected", SharedData.nyt("2022-04-19"), SharedData.jhu("2021-02-01"));

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(rig.count("select count(*) from expected")).isEqualTo(820);
        assertThat(rig.count("select count(*) from (select date, cases, deaths, recovered from covid_us_daily"
                        + " except select * from expected) d"))
                .isZero();
        assertThat(rig.count("select count(*) from (select * from expected except"
                        + " select date, cases, deaths, recovered from covid_us_daily) d"))
                .isZero();
        assertThat(run.inserted()).isEqualTo(820);
        assertThat(run.updated()).isZero();
        assertThat(run.unchanged()).isZero();
        assertThat(run.sources().get("nyt").rows()).isEqualTo(820);
        assertThat(run.sources().get("jhu").rows()).isEqualTo(376);
    }

    @Test
    void initial_load_holds_the_hand_checked_values_of_the_source_files() {
        load(SharedData.nyt("2022-04-19"), SharedData.jhu("2021-02-01"));
        // Values read off the files with grep; see ../shared/data/covid/README.md for the quirks.
        assertThat(rig.rows("select date, cases, deaths, recovered from covid_us_daily where date in ('2020-01-21',"
                        + " '2020-01-22', '2020-05-11', '2020-05-12', '2020-12-13', '2020-12-14', '2021-06-04', '2022-04-19')"
                        + " order by date"))
                .containsExactly(
                        listOf("2020-01-21", "1", "0", null), // NYT starts a day before JHU
                        List.of("2020-01-22", "1", "0", "0"), // a genuine early zero stays
                        List.of("2020-05-11", "1354449", "80748", "232733"),
                        listOf("2020-05-12", "1376749", "82400", null), // 230,287 < 232,733: NULL
                        List.of("2020-12-13", "16368898", "299338", "6298082"),
                        listOf("2020-12-14", "16569783", "301016", null), // JHU stopped reporting: 0 -> NULL
                        listOf("2021-06-04", "33312812", "596176", null), // a decrease of cases is kept
                        listOf("2022-04-19", "80645527", "987999", null)); // JHU snapshot ends in early 2021
    }

    private static List<String> listOf(String... values) {
        List<String> list = new ArrayList<>();
        for (String v : values) {
            list.add(v);
        }
        return list;
    }

    @Test
    void initial_load_warns_about_decreases_and_values_stored_as_null() {
        Run run = load(SharedData.nyt("2022-04-19"), SharedData.jhu("2021-02-01"));
        assertThat(run.warnings())
                .anySatisfy(w -> assertThat(w)
                        .contains("recovered fell from 6,298,082 to 0 on 2020-12-14")
                        .contains("stored as NULL"));
        assertThat(run.warnings())
                .anySatisfy(w -> assertThat(w)
                        .contains("cases fell from 33,336,811 to 33,312,812 on 2021-06-04")
                        .contains("kept"));
        assertThat(run.warnings())
                .anySatisfy(w -> assertThat(w).contains("deaths fell from").contains("on 2022-03-14"));
    }

    @Test
    void next_day_counts_equal_an_independent_sql_diff_of_the_two_expected_tables() throws Exception {
        Path nyt1 = SharedData.nyt("2020-08-13");
        Path jhu1 = SharedData.jhu("2020-09-01");
        Path nyt2 = SharedData.nyt("2022-04-19");
        Path jhu2 = SharedData.jhu("2020-10-12");
        assertThat(load(nyt1, jhu1).status()).isEqualTo(RunStatus.SUCCEEDED);
        Run next = load(nyt2, jhu2);
        expect("before", nyt1, jhu1);
        expect("after", nyt2, jhu2);

        long inserted = rig.count(
                "select count(*) from after a where not exists" + " (select 1 from before b where b.date = a.date)");
        long updated = rig.count("select count(*) from after a join before b using (date)"
                + " where (a.cases, a.deaths, a.recovered) is distinct from (b.cases, b.deaths, b.recovered)");
        long unchanged = rig.count("select count(*) from after a join before b using (date)"
                + " where (a.cases, a.deaths, a.recovered) is not distinct from (b.cases, b.deaths, b.recovered)");
        assertThat(inserted).isPositive();
        assertThat(updated).isPositive();
        assertThat(next.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(List.of(next.inserted(), next.updated(), next.unchanged()))
                .containsExactly(inserted, updated, unchanged);
        assertThat(rig.count("select count(*) from (select date, cases, deaths, recovered from covid_us_daily"
                        + " except select * from after) d"))
                .isZero();
        // The change log holds each changed key once, with the old values of updates.
        assertThat(rig.count("select count(*) from sluice.change_log where run_id = " + next.id()))
                .isEqualTo(inserted + updated);
        assertThat(
                        rig.count(
                                "select count(*) from sluice.change_log l join before b"
                                        + " on b.date = (l.key->>'date')::date where l.run_id = " + next.id()
                                        + " and l.operation = 'UPDATE'"
                                        + " and ((l.old_values->>'cases')::bigint, (l.old_values->>'deaths')::bigint,"
                                        + " (l.old_values->>'recovered')::bigint) is not distinct from (b.cases, b.deaths, b.recovered)"))
                .isEqualTo(updated);
    }

    @Test
    void jhu_next_day_file_updates_exactly_the_one_date_it_adds() throws Exception {
        load(SharedData.nyt("2022-04-19"), SharedData.jhu("2020-10-27"));
        Run next = load(SharedData.nyt("2022-04-19"), SharedData.jhu("2020-10-28"));
        expect("before", SharedData.nyt("2022-04-19"), SharedData.jhu("2020-10-27"));
        expect("after", SharedData.nyt("2022-04-19"), SharedData.jhu("2020-10-28"));
        long updated = rig.count("select count(*) from after a join before b using (date)"
                + " where (a.cases, a.deaths, a.recovered) is distinct from (b.cases, b.deaths, b.recovered)");

        assertThat(updated).isEqualTo(1); // by hand: 2020-10-27 gains recovered 3,487,666
        assertThat(next.updated()).isEqualTo(updated);
        assertThat(next.inserted()).isZero();
        assertThat(next.unchanged()).isEqualTo(820 - updated);
        assertThat(rig.text("select recovered::text from covid_us_daily where date = '2020-10-27'"))
                .hasValue("3487666");
    }

    @Test
    void unchanged_rerun_ends_unchanged_without_touching_the_target() {
        load(SharedData.nyt("2022-04-19"), SharedData.jhu("2021-02-01"));
        String before = rig.tableState("covid_us_daily", ORDER);
        Run rerun = rig.run(rig.covidUs());

        assertThat(rerun.status()).isEqualTo(RunStatus.UNCHANGED);
        assertThat(rig.tableState("covid_us_daily", ORDER)).isEqualTo(before);
        assertThat(rerun.sources().get("nyt").notModified()).isTrue();
        assertThat(rerun.sources().get("nyt").rows()).isEqualTo(820);
        List<SourceServer.Request> nytRequests = rig.server.requests("/nyt.csv");
        assertThat(nytRequests).hasSize(2);
        assertThat(nytRequests.get(0).header("If-None-Match")).isNull();
        assertThat(nytRequests.get(1).header("If-None-Match")).startsWith("\"");
    }

    @Test
    void same_data_written_differently_is_compared_by_value_and_nothing_is_rewritten() throws Exception {
        load(SharedData.nyt("2022-04-19"), SharedData.jhu("2021-02-01"));
        String before = rig.tableState("covid_us_daily", ORDER);
        // BOM, CRLF, reordered and extra columns, padded header names, integers written as floats.
        List<String> lines = Files.readAllLines(SharedData.nyt("2022-04-19"));
        StringBuilder text = new StringBuilder("\uFEFF deaths , note,date ,cases\r\n");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            text.append(f[2])
                    .append(".0,x,")
                    .append(f[0])
                    .append(',')
                    .append(f[1])
                    .append("\r\n");
        }
        rig.server.script("/nyt.csv", SourceServer.body(text.toString().getBytes(StandardCharsets.UTF_8)));
        Run rerun = rig.run(rig.covidUs());

        assertThat(rerun.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(List.of(rerun.inserted(), rerun.updated(), rerun.unchanged()))
                .containsExactly(0L, 0L, 820L);
        assertThat(rig.tableState("covid_us_daily", ORDER)).isEqualTo(before);
    }

    @Test
    void when_one_source_answers_304_its_cached_body_is_merged_with_the_changed_one() {
        load(SharedData.nyt("2022-04-19"), SharedData.jhu("2020-10-27"));
        rig.server.serveFile("/jhu.csv", SharedData.jhu("2020-10-28"));
        Run next = rig.run(rig.covidUs());

        assertThat(next.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(next.sources().get("nyt").notModified()).isTrue();
        assertThat(next.sources().get("jhu").notModified()).isFalse();
        assertThat(next.updated()).isEqualTo(1);
        assertThat(next.unchanged()).isEqualTo(819);
    }

    @Test
    void a_missing_cache_means_fetching_the_unchanged_source_again_unconditionally() throws Exception {
        load(SharedData.nyt("2022-04-19"), SharedData.jhu("2020-10-27"));
        try (Stream<Path> files = Files.walk(rig.home.resolve("cache"))) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        rig.server.serveFile("/jhu.csv", SharedData.jhu("2020-10-28"));
        Run next = rig.run(rig.covidUs());

        assertThat(next.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(next.updated()).isEqualTo(1);
        List<SourceServer.Request> nyt = rig.server.requests("/nyt.csv");
        assertThat(nyt).hasSize(3);
        assertThat(nyt.get(1).header("If-None-Match")).isNotNull();
        assertThat(nyt.get(2).header("If-None-Match")).isNull();
    }

    @Test
    void a_changed_pipeline_file_reloads_even_when_every_source_is_unchanged() {
        load(SharedData.nyt("2022-04-19"), SharedData.jhu("2021-02-01"));
        Run run = rig.run(rig.covidUs().withFingerprint("another-definition"));

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.unchanged()).isEqualTo(820);
    }

    @Test
    void gzip_encoded_bodies_are_decoded_before_hashing_and_parsing() {
        rig.server
                .script("/nyt.csv", SourceServer.gzipped(SourceServer.read(SharedData.nyt("2022-04-19"))))
                .serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
        Run run = rig.run(rig.covidUs());

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.inserted()).isEqualTo(820);
        assertThat(run.sources().get("nyt").bytes()).isEqualTo(21177);
    }

    @Test
    void a_jhu_snapshot_without_national_rows_warns_and_leaves_recovered_unknown() {
        Run run = load(SharedData.nyt("2020-08-13"), SharedData.jhu("2020-03-23"));

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.warnings())
                .anySatisfy(w -> assertThat(w).contains("jhu: the filters").contains("kept none of 29707 rows"));
        assertThat(rig.count("select count(*) from covid_us_daily where recovered is not null"))
                .isZero();
        assertThat(rig.count("select count(*) from covid_us_daily")).isEqualTo(206);
    }
}
