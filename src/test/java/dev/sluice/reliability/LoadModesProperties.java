package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunStatus;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.pipeline.DeliveryPolicy;
import dev.sluice.pipeline.RunRequest;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import dev.sluice.testing.TestRig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Any sequence of random publications loaded in any mode leaves the table, and reports the counts, of a plain
 * in-memory model of that mode, written here from the modes' definitions: keys new to the table are inserted, keys
 * whose values changed are updated, keys a publication lacks are deleted (mirror, replace), marked deleted (soft
 * mirror) or closed (history), every row of a new publication is appended (append).
 */
class LoadModesProperties {
    private static final AtomicInteger TABLES = new AtomicInteger();
    /** One rig per class: this one on PostgreSQL 17, {@link LoadModesOnPostgres15Properties}'s on 15. */
    private static final Map<Class<?>, TestRig> RIGS = new java.util.concurrent.ConcurrentHashMap<>();

    private TestRig rig;

    /** A mode as the pipeline file says it. */
    enum Mode {
        UPSERT("upsert"),
        MIRROR("mirror"),
        SOFT_MIRROR("mirror\n  delete: soft"),
        REPLACE("replace"),
        HISTORY("history"),
        APPEND("append");

        final String yaml;

        Mode(String yaml) {
            this.yaml = yaml;
        }
    }

    /** The PostgreSQL major these properties run on. */
    int postgresMajor() {
        return 17;
    }

    @net.jqwik.api.lifecycle.BeforeTry
    void rig() {
        rig = RIGS.computeIfAbsent(getClass(), c -> new TestRig(TestDatabase.createDatabase(postgresMajor())));
    }

    @AfterContainer
    static void stop() {
        RIGS.values().forEach(TestRig::close);
        RIGS.clear();
    }

    /** A publication: key to value (a value may be missing: NULL). */
    @Provide
    Arbitrary<List<Map<Integer, Integer>>> publications() {
        Arbitrary<Integer> value = Arbitraries.integers().between(0, 3).injectNull(0.1);
        return Arbitraries.maps(Arbitraries.integers().between(0, 14), value)
                .ofMinSize(1)
                .ofMaxSize(12)
                .map(TreeMap::new)
                .map(m -> (Map<Integer, Integer>) m)
                .list()
                .ofMinSize(1)
                .ofMaxSize(5);
    }

    @Property(tries = 60)
    void every_mode_follows_its_model(@ForAll Mode mode, @ForAll("publications") List<Map<Integer, Integer>> feed)
            throws Exception {
        String table = "modes_" + TABLES.incrementAndGet();
        PipelineSpec spec = TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                .parse(
                        table + ".yaml",
                        """
                        name: %s
                        sources:
                          - name: rows
                            url: %s
                            key: [id]
                            columns:
                              - { header: id, type: integer }
                              - { header: v, type: integer, required: false }
                        target:
                          table: %s
                          mode: %s
                          guards: { max_row_drop: none }
                        """.formatted(table.replace('_', '-'), rig.server.url("/" + table + ".csv"), table, mode.yaml),
                        Optional.empty()));
        Model model = new Model(mode);
        Set<String> published = new HashSet<>();
        for (Map<Integer, Integer> publication : feed) {
            String csv = csv(publication);
            // Forced: a publication identical to the last is loaded anyway, so that append must refuse it itself.
            Run run = publishAndRun(spec, table, csv);
            List<Long> expected = model.apply(publication, run.startedAt(), run.id(), !published.add(csv));
            assertThat(List.of(run.inserted(), run.updated(), run.deleted(), run.unchanged()))
                    .as("%s counts after %s", mode, publication)
                    .isEqualTo(expected);
            assertThat(stored(table, mode))
                    .as("%s table after %s", mode, publication)
                    .isEqualTo(model.rows());
        }
    }

    /** A keyless publication: rows that may repeat, some values missing. */
    @Provide
    Arbitrary<List<List<List<Integer>>>> keylessPublications() {
        Arbitrary<Integer> value = Arbitraries.integers().between(0, 2).injectNull(0.2);
        return value.list()
                .ofSize(2)
                .list()
                .ofMinSize(1)
                .ofMaxSize(10)
                .list()
                .ofMinSize(1)
                .ofMaxSize(5);
    }

    /**
     * A replace table without a key is its latest publication, row for row, repeats included; without a key no row
     * is "changed", so a row the publication has more times than the table was inserted, one it has fewer times was
     * deleted (a multiset difference, computed here by counting).
     */
    @Property(tries = 40)
    void a_replace_table_without_a_key_counts_as_a_multiset(
            @ForAll("keylessPublications") List<List<List<Integer>>> feed) throws Exception {
        String table = "keyless_" + TABLES.incrementAndGet();
        PipelineSpec spec = TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                .parse(
                        table + ".yaml",
                        """
                        name: %s
                        sources:
                          - name: rows
                            url: %s
                            required: false
                            columns:
                              - { header: a, type: integer }
                              - { header: b, type: integer }
                        target:
                          table: %s
                          mode: replace
                          guards: { max_row_drop: none }
                        """.formatted(table.replace('_', '-'), rig.server.url("/" + table + ".csv"), table),
                        Optional.empty()));
        Map<String, Long> held = new TreeMap<>();
        for (List<List<Integer>> publication : feed) {
            StringBuilder csv = new StringBuilder("a,b\n");
            Map<String, Long> published = new TreeMap<>();
            for (List<Integer> row : publication) {
                csv.append(row.get(0) == null ? "" : row.get(0))
                        .append(',')
                        .append(row.get(1) == null ? "" : row.get(1))
                        .append('\n');
                published.merge(row.get(0) + "|" + row.get(1), 1L, Long::sum);
            }
            Run run = publishAndRun(spec, table, csv.toString());
            long inserted = 0;
            long deleted = 0;
            Set<String> rows = new HashSet<>(held.keySet());
            rows.addAll(published.keySet());
            for (String row : rows) {
                long difference = published.getOrDefault(row, 0L) - held.getOrDefault(row, 0L);
                inserted += Math.max(difference, 0);
                deleted += Math.max(-difference, 0);
            }
            assertThat(List.of(run.inserted(), run.updated(), run.deleted(), run.unchanged()))
                    .as("counts after %s", publication)
                    .isEqualTo(List.of(inserted, 0L, deleted, publication.size() - inserted));
            held = published;
            Map<String, Long> stored = new TreeMap<>();
            rig.rows("select a, b from " + table).forEach(r -> stored.merge(r.get(0) + "|" + r.get(1), 1L, Long::sum));
            assertThat(stored).as("table after %s", publication).isEqualTo(held);
        }
    }

    /**
     * A soft-deleted key that comes back while another key goes: the key brought back is matched but was not a live
     * row, so "as many live rows as matched keys" does not mean nothing is gone (a case the property found).
     */
    @Example
    void a_key_brought_back_does_not_hide_a_key_gone() throws Exception {
        every_mode_follows_its_model(
                Mode.SOFT_MIRROR, List.of(new TreeMap<>(Map.of(1, 0, 2, 0)), Map.of(2, 0), Map.of(1, 0)));
    }

    /** Serves the publication and runs the pipeline on it, forced (an identical one is loaded too); it succeeds. */
    private Run publishAndRun(PipelineSpec spec, String table, String csv) {
        rig.server.script("/" + table + ".csv", SourceServer.body(csv.getBytes(StandardCharsets.UTF_8)));
        Run run = rig.pipeline()
                .runAndDeliver(
                        spec,
                        RunRequest.forced(dev.sluice.history.Trigger.CLI),
                        DeliveryPolicy.waitUpTo(java.time.Duration.ZERO));
        assertThat(run.status())
                .as(run.error().map(e -> e.message()).orElse(""))
                .isEqualTo(RunStatus.SUCCEEDED);
        return run;
    }

    private static String csv(Map<Integer, Integer> publication) {
        StringBuilder csv = new StringBuilder("id,v\n");
        publication.forEach(
                (k, v) -> csv.append(k).append(',').append(v == null ? "" : v).append('\n'));
        return csv.toString();
    }

    /** The table as sorted text rows: id, v and the mode's own columns as the model keeps them. */
    private List<String> stored(String table, Mode mode) {
        String extra = switch (mode) {
            case SOFT_MIRROR -> ", deleted_at is not null";
            case HISTORY -> ", valid_from, valid_to";
            case APPEND -> ", run_id";
            default -> "";
        };
        String order = mode == Mode.APPEND ? "run_id, id" : mode == Mode.HISTORY ? "id, valid_from" : "id";
        return rig.rows("select id, v" + extra + " from " + table + " order by " + order).stream()
                .map(r -> String.join("|", r.stream().map(String::valueOf).toList()))
                .toList();
    }

    /** The mode's definition, in memory. */
    private final class Model {
        private final Mode mode;
        private final TreeMap<Integer, Integer> live = new TreeMap<>();
        private final Set<Integer> softDeleted = new HashSet<>();
        private final List<String[]> versions = new ArrayList<>();
        private final List<String> appended = new ArrayList<>();

        Model(Mode mode) {
            this.mode = mode;
        }

        /** Applies a publication; returns inserted, updated, deleted, unchanged. */
        List<Long> apply(Map<Integer, Integer> publication, Instant at, long runId, boolean seenBefore) {
            if (mode == Mode.APPEND) {
                if (seenBefore) {
                    return List.of(0L, 0L, 0L, (long) publication.size());
                }
                publication.forEach((k, v) -> appended.add(runId + "|" + k + "|" + v));
                return List.of((long) publication.size(), 0L, 0L, 0L);
            }
            long inserted = 0;
            long updated = 0;
            for (Map.Entry<Integer, Integer> row : publication.entrySet()) {
                boolean known = live.containsKey(row.getKey()) || softDeleted.contains(row.getKey());
                if (!known) {
                    inserted++;
                } else if (softDeleted.contains(row.getKey())
                        || !Objects.equals(live.get(row.getKey()), row.getValue())) {
                    updated++;
                }
            }
            List<Integer> gone = live.keySet().stream()
                    .filter(k -> !publication.containsKey(k))
                    .toList();
            long deleted = mode == Mode.UPSERT ? 0 : gone.size();
            String time = rig.text("select '" + at + "'::timestamptz::text").orElseThrow();
            if (mode == Mode.HISTORY) {
                for (String[] version : versions) {
                    Integer key = Integer.valueOf(version[0]);
                    boolean changes =
                            !publication.containsKey(key) || !Objects.equals(live.get(key), publication.get(key));
                    if (version[3] == null && changes) {
                        version[3] = time;
                    }
                }
                publication.forEach((k, v) -> {
                    if (!live.containsKey(k) || !Objects.equals(live.get(k), v)) {
                        versions.add(new String[] {String.valueOf(k), String.valueOf(v), time, null});
                    }
                });
            }
            if (mode == Mode.SOFT_MIRROR) {
                gone.forEach(k -> deletedValue.put(k, live.get(k)));
                softDeleted.addAll(gone);
                softDeleted.removeAll(publication.keySet());
            }
            if (mode != Mode.UPSERT) {
                live.keySet().removeAll(gone);
            }
            live.putAll(publication);
            return List.of(inserted, updated, deleted, publication.size() - inserted - updated);
        }

        List<String> rows() {
            List<String> rows = new ArrayList<>();
            switch (mode) {
                case APPEND -> {
                    appended.stream()
                            .map(r -> r.split("\\|"))
                            .sorted((a, b) -> a[0].equals(b[0])
                                    ? Integer.compare(Integer.parseInt(a[1]), Integer.parseInt(b[1]))
                                    : Long.compare(Long.parseLong(a[0]), Long.parseLong(b[0])))
                            .forEach(r -> rows.add(r[1] + "|" + r[2] + "|" + r[0]));
                }
                case HISTORY ->
                    versions.stream()
                            .sorted((a, b) -> a[0].equals(b[0])
                                    ? a[2].compareTo(b[2])
                                    : Integer.compare(Integer.parseInt(a[0]), Integer.parseInt(b[0])))
                            .forEach(v -> rows.add(v[0] + "|" + v[1] + "|" + v[2] + "|" + v[3]));
                case SOFT_MIRROR -> {
                    TreeMap<Integer, String> all = new TreeMap<>();
                    live.forEach((k, v) -> all.put(k, k + "|" + v + "|f"));
                    softDeleted.forEach(k -> all.put(k, k + "|" + deletedValue.get(k) + "|t"));
                    rows.addAll(all.values());
                }
                default -> live.forEach((k, v) -> rows.add(k + "|" + v));
            }
            return rows;
        }

        /** A soft-deleted key's last value, which its row keeps. */
        private final Map<Integer, Integer> deletedValue = new java.util.HashMap<>();
    }
}
