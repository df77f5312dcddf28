package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunStatus;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random values of the types beyond the first four (timestamp, timestamptz, boolean, double), each written in one of
 * the spellings sluice accepts, through a whole run into PostgreSQL and back through JDBC: what comes back is the
 * value generated here, to the microsecond and the bit. The CSV is written by this test, not by sluice.
 */
class TypedValuesRoundTripIT {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static final String PIPELINE = """
            name: typed
            sources:
              - name: rows
                url: https://example.org/rows.csv
                key: [id]
                columns:
                  - { header: id, type: integer }
                  - { header: at, type: timestamp }
                  - { header: instant, type: timestamptz }
                  - { header: flag, type: boolean, required: false }
                  - { header: measure, type: double }
            target: { table: %s }
            """;
    private static final List<String> TRUE = List.of("true", "t", "yes", "y", "1");
    private static final List<String> FALSE = List.of("false", "f", "no", "n", "0");

    private static TestRig rig;

    /** One generated row, and how each value is spelled in the file. */
    record Row(
            LocalDateTime at,
            boolean spaceNotT,
            Instant instant,
            ZoneOffset offset,
            Boolean flag,
            int spelling,
            boolean upperCase,
            double measure) {}

    @BeforeContainer
    static void start() {
        rig = new TestRig();
    }

    @AfterContainer
    static void stop() {
        rig.close();
    }

    @Provide
    Arbitrary<List<Row>> rows() {
        long first = LocalDate.of(1, 1, 1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        long last = LocalDate.of(9999, 12, 31).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        Arbitrary<LocalDateTime> at = Combinators.combine(
                        Arbitraries.longs().between(first, last),
                        Arbitraries.integers().between(0, 999_999))
                .as((seconds, micros) -> LocalDateTime.ofEpochSecond(seconds, micros * 1000, ZoneOffset.UTC));
        Arbitrary<Instant> instant = Combinators.combine(
                        Arbitraries.longs().between(first + 86_400, last - 86_400),
                        Arbitraries.integers().between(0, 999_999))
                .as((seconds, micros) -> Instant.ofEpochSecond(seconds, micros * 1000L));
        Arbitrary<ZoneOffset> offset =
                Arbitraries.integers().between(-12 * 4, 14 * 4).map(q -> ZoneOffset.ofTotalSeconds(q * 900));
        Arbitrary<Double> measure = Arbitraries.oneOf(
                        Arbitraries.doubles(),
                        Arbitraries.longs().map(Double::longBitsToDouble),
                        Arbitraries.of(Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 1e-300, 0.1))
                .filter(d ->
                        !Double.isNaN(d) && !Double.isInfinite(d) && Double.doubleToRawLongBits(d) != Long.MIN_VALUE);
        Arbitrary<Boolean> flag = Arbitraries.of(Boolean.TRUE, Boolean.FALSE).injectNull(0.1);
        return Combinators.combine(
                        at,
                        Arbitraries.of(true, false),
                        instant,
                        offset,
                        flag,
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.of(true, false),
                        measure)
                .as(Row::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(40);
    }

    @Property(tries = 20)
    void every_value_comes_back_exactly(@ForAll("rows") List<Row> rows) throws Exception {
        String table = "typed_" + TABLES.incrementAndGet();
        PipelineSpec spec = TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                .parse(table + ".yaml", PIPELINE.formatted(table), Optional.empty())
                .withSourceUrls(Map.of("rows", rig.server.url("/" + table + ".csv"))));
        rig.server.script("/" + table + ".csv", SourceServer.body(csv(rows).getBytes(StandardCharsets.UTF_8)));

        Run run = rig.run(spec);

        assertThat(run.status())
                .as(run.error().map(e -> e.message()).orElse(""))
                .isEqualTo(RunStatus.SUCCEEDED);
        try (Connection c = rig.database.connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("select id, at, instant, flag, measure from " + table + " order by id")) {
            for (int i = 0; i < rows.size(); i++) {
                Row row = rows.get(i);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(i);
                assertThat(rs.getObject(2, LocalDateTime.class)).isEqualTo(row.at());
                assertThat(rs.getObject(3, OffsetDateTime.class).toInstant()).isEqualTo(row.instant());
                assertThat((Boolean) rs.getObject(4)).isEqualTo(row.flag());
                assertThat(Double.doubleToRawLongBits(rs.getDouble(5)))
                        .as("%s", row.measure())
                        .isEqualTo(Double.doubleToRawLongBits(row.measure()));
            }
            assertThat(rs.next()).isFalse();
        }
    }

    private static String csv(List<Row> rows) {
        StringBuilder out = new StringBuilder("id,at,instant,flag,measure\n");
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            String at = row.at().truncatedTo(ChronoUnit.MICROS).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
            String instant = row.instant().atOffset(row.offset()).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            String flag = row.flag() == null ? "" : (row.flag() ? TRUE : FALSE).get(row.spelling());
            out.append(i)
                    .append(',')
                    .append(row.spaceNotT() ? at.replace('T', ' ') : at)
                    .append(',')
                    .append(instant)
                    .append(',')
                    .append(row.upperCase() ? flag.toUpperCase(Locale.ROOT) : flag)
                    .append(',')
                    .append(Double.toString(row.measure()))
                    .append('\n');
        }
        return out.toString();
    }
}
