package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunStatus;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.testing.RandomTable;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random rows of every type through the whole pipeline into PostgreSQL and back: a first load (binary COPY straight
 * into the new table), then a revision of some rows plus new ones (staging, diff, upsert). The table holds exactly
 * the latest values, and the counts equal those computed here by comparing the two versions row by row.
 */
class DatabaseRoundTripIT {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static TestRig rig;

    @BeforeContainer
    static void start() {
        rig = new TestRig();
    }

    @AfterContainer
    static void stop() {
        rig.close();
    }

    @Provide
    Arbitrary<List<RandomTable.Row>> rows() {
        return RandomTable.rows(40);
    }

    @Provide
    Arbitrary<RandomTable.Layout> layouts() {
        return RandomTable.layouts();
    }

    @Provide
    Arbitrary<List<Boolean>> revise() {
        return Arbitraries.of(true, false).list().ofSize(40);
    }

    @Property(tries = 25)
    void rows_and_their_revisions_are_stored_exactly_with_exact_counts(
            @ForAll("rows") List<RandomTable.Row> first,
            @ForAll("rows") List<RandomTable.Row> other,
            @ForAll("revise") List<Boolean> revise,
            @ForAll("layouts") RandomTable.Layout layout)
            throws Exception {
        List<RandomTable.Row> second = new ArrayList<>();
        long updated = 0;
        for (int i = 0; i < Math.max(first.size(), other.size()); i++) {
            boolean revised = i < other.size() && (i >= first.size() || revise.get(i));
            RandomTable.Row row = revised ? other.get(i) : first.get(i);
            second.add(row);
            if (revised && i < first.size() && !row.sameValues(first.get(i))) {
                updated++;
            }
        }
        long inserted = Math.max(0, other.size() - first.size());

        String table = "rt_" + TABLES.incrementAndGet();
        PipelineSpec spec = TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                .parse(table + ".yaml", RandomTable.PIPELINE.formatted(table), Optional.empty())
                .withSourceUrls(Map.of("rows", rig.server.url("/" + table + ".csv"))));

        rig.server.script("/" + table + ".csv", SourceServer.body(RandomTable.csv(first, layout)));
        Run load = rig.run(spec);
        assertThat(load.status())
                .as(load.error().map(e -> e.message()).orElse(""))
                .isEqualTo(RunStatus.SUCCEEDED);
        assertThat(load.inserted()).isEqualTo(first.size());
        assertStored(table, first);

        byte[] revised = RandomTable.csv(second, layout);
        rig.server.script("/" + table + ".csv", SourceServer.body(revised));
        Run revision = rig.run(spec);
        if (java.util.Arrays.equals(revised, RandomTable.csv(first, layout))) {
            // Nothing was revised: the same bytes are recognised and the table is not even compared.
            assertThat(revision.status()).isEqualTo(RunStatus.UNCHANGED);
        } else {
            assertThat(revision.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(List.of(revision.inserted(), revision.updated(), revision.unchanged()))
                    .isEqualTo(List.of(inserted, updated, first.size() - updated));
        }
        assertStored(table, second);
    }

    private static void assertStored(String table, List<RandomTable.Row> expected) throws Exception {
        List<RandomTable.Row> stored = new ArrayList<>();
        try (Connection c = rig.database.connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("select id, day, amount, label, count_total from " + table + " order by id")) {
            while (rs.next()) {
                stored.add(new RandomTable.Row(
                        rs.getLong(1),
                        rs.getObject(2, java.time.LocalDate.class),
                        rs.getObject(3, BigDecimal.class),
                        rs.getString(4),
                        (Long) rs.getObject(5)));
            }
        }
        assertThat(stored).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            RandomTable.Row want = expected.get(i);
            RandomTable.Row got = stored.get(i);
            assertThat(got.sameValues(want))
                    .as("row %d: stored %s, expected %s", i + 1, got, want)
                    .isTrue();
            assertThat(got.label()).isEqualTo(want.expectedLabel());
        }
    }
}
