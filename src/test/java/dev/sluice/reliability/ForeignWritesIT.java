package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunStatus;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.history.Trigger;
import dev.sluice.pipeline.RunRequest;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import dev.sluice.testing.TestRig;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * A run compares its publication with the last load's digest only when the database vouches that the table is as
 * that load left it. Each way someone else can change the table, or the digest, is met here: the run after it
 * compares with the whole table, says why in its record, and leaves the table exactly the publication (the foreign
 * change undone, which comparing with the digest would have missed); the run after that compares with the digest
 * again.
 */
class ForeignWritesIT {
    private static final String DIGEST = "with the last load's digest";
    private static final String WHOLE = "with the whole table: ";
    /** The publication every run loads; a mirror table of it has these rows exactly. */
    private static final String CSV = "g,id,v\n0,1,10\n0,2,20\n1,3,30\n1,4,40\n";

    private static final List<List<String>> ROWS =
            List.of(List.of("0", "1", "10"), List.of("0", "2", "20"), List.of("1", "3", "30"), List.of("1", "4", "40"));

    private TestRig rig;
    private PipelineSpec spec;

    @BeforeEach
    void start() {
        rig = new TestRig();
        spec = spec(rig);
        rig.server.script("/feed.csv", SourceServer.body(CSV.getBytes(StandardCharsets.UTF_8)));
        assertThat(run(rig).audit().comparison()).startsWith("none: the table was empty");
        assertThat(run(rig).audit().comparison()).startsWith(DIGEST);
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    private static PipelineSpec spec(TestRig rig) {
        return TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                .parse("feed.yaml", """
                        name: feed
                        sources:
                          - name: rows
                            url: %s
                            key: [g, id]
                            columns:
                              - { header: g, type: integer }
                              - { header: id, type: integer }
                              - { header: v, type: integer }
                        target:
                          table: feed
                          mode: mirror
                          guards: { max_row_drop: none }
                        """.formatted(rig.server.url("/feed.csv")), Optional.empty()));
    }

    private Run run(TestRig on) {
        Run run = on.pipeline().run(spec, RunRequest.forced(Trigger.CLI));
        assertThat(run.status())
                .as(run.error().map(e -> e.message()).orElse(""))
                .isEqualTo(RunStatus.SUCCEEDED);
        return run;
    }

    /** The run after a foreign change compares with the whole table, for {@code reason}, and repairs the table. */
    private void comparesWholeTableBecause(String reason) {
        Run run = run(rig);
        assertThat(run.audit().comparison()).startsWith(WHOLE).contains(reason);
        assertThat(rig.rows("select g, id, v from feed order by g, id")).isEqualTo(ROWS);
        assertThat(rig.text("select comparison from sluice.runs where id = " + run.id()))
                .contains(run.audit().comparison());
        assertThat(run(rig).audit().comparison()).startsWith(DIGEST);
        assertThat(rig.rows("select g, id, v from feed order by g, id")).isEqualTo(ROWS);
    }

    @Test
    void a_manual_update() {
        rig.execute("update feed set v = 99 where id = 1");
        comparesWholeTableBecause("written since run 2 (1 statement by another session or tool)");
    }

    @Test
    void a_manual_delete() {
        rig.execute("delete from feed where id = 3");
        comparesWholeTableBecause("written since run 2");
    }

    @Test
    void a_truncate_and_a_partial_reload() {
        rig.execute("truncate feed");
        rig.execute("insert into feed (g, id, v) values (0, 1, 10), (9, 9, 9)");
        comparesWholeTableBecause("written since run 2 (2 statements");
    }

    @Test
    void another_tools_copy() throws Exception {
        try (Connection c = DriverManager.getConnection(rig.url)) {
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("copy feed (g, id, v) from stdin with (format csv)", new StringReader("2,5,50\n"));
        }
        comparesWholeTableBecause("written since run 2");
    }

    @Test
    void a_write_that_replication_roles_do_not_hide() {
        rig.execute("set session_replication_role = replica; update feed set v = 0 where id = 4;"
                + " set session_replication_role = origin");
        comparesWholeTableBecause("written since run 2");
    }

    @Test
    void an_alter_table_adding_a_column() {
        rig.execute("alter table feed add column note text default 'x'");
        comparesWholeTableBecause("the table was altered or rewritten since run 2");
    }

    @Test
    void an_alter_table_rewriting_values_in_place() {
        // Same columns, same types, other values: a rewrite, which no statement trigger sees.
        rig.execute("alter table feed alter column v type bigint using v + 1");
        comparesWholeTableBecause("the table was altered or rewritten since run 2");
    }

    @Test
    void a_disabled_write_counter() {
        rig.execute("alter table feed disable trigger sluice_count_writes");
        rig.execute("update feed set v = 1 where id = 2");
        comparesWholeTableBecause("write counter (trigger sluice_count_writes) is missing or disabled");
    }

    @Test
    void a_table_restored_from_a_dump() {
        // What pg_restore does: a new table (another oid) with the rows of the dump, here with one row changed.
        rig.execute("create table feed_dump as select * from feed");
        rig.execute("update feed_dump set v = 7 where id = 4");
        rig.execute("drop table feed");
        rig.execute("alter table feed_dump rename to feed");
        rig.execute("alter table feed add primary key (g, id)");
        comparesWholeTableBecause("the table is not the one run 2 loaded (created again, or restored)");
    }

    @Test
    void a_database_restored_from_a_physical_backup() {
        // A backup taken after run 2; run 3 loads another publication, whose digest this machine keeps; then the
        // database goes back to the backup (table, write counts, recorded digest), the machine's cache does not.
        rig.execute("create table digests_backup as select * from sluice.load_digests");
        long writes = rig.count("select writes from sluice.table_writes");
        rig.server.script(
                "/feed.csv", SourceServer.body("g,id,v\n0,1,11\n0,2,20\n1,3,30\n".getBytes(StandardCharsets.UTF_8)));
        run(rig);
        rig.server.script("/feed.csv", SourceServer.body(CSV.getBytes(StandardCharsets.UTF_8)));
        rig.execute("delete from feed");
        rig.execute("insert into feed (g, id, v) values (0, 1, 10), (0, 2, 20), (1, 3, 30), (1, 4, 40)");
        rig.execute("delete from sluice.load_digests");
        rig.execute("insert into sluice.load_digests select * from digests_backup");
        rig.execute("update sluice.table_writes set writes = " + writes);
        comparesWholeTableBecause("this machine's digest is another load's digest");
    }

    @Test
    void a_lost_cache() throws Exception {
        try (Stream<Path> digests = Files.list(rig.home.resolve("digests"))) {
            for (Path digest : digests.toList()) {
                Files.delete(digest);
            }
        }
        comparesWholeTableBecause("this machine does not keep the digest of run 2");
    }

    @Test
    void another_machine_loaded_last() {
        try (TestRig other = new TestRig(rig.url, Map.of())) {
            other.server.script("/feed.csv", SourceServer.body("g,id,v\n0,1,10\n".getBytes(StandardCharsets.UTF_8)));
            PipelineSpec there = spec(other);
            Run run = other.pipeline().run(there, RunRequest.forced(Trigger.CLI));
            assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.audit().comparison()).contains("this machine does not keep the digest of run 2");
            assertThat(run.deleted()).isEqualTo(3);
        }
        comparesWholeTableBecause("this machine's digest is another load's digest");
    }

    @Test
    void on_postgres_15_too() {
        try (TestRig old = new TestRig(TestDatabase.createDatabase(15))) {
            old.server.script("/feed.csv", SourceServer.body(CSV.getBytes(StandardCharsets.UTF_8)));
            PipelineSpec there = spec(old);
            old.pipeline().run(there, RunRequest.forced(Trigger.CLI));
            assertThat(old.pipeline()
                            .run(there, RunRequest.forced(Trigger.CLI))
                            .audit()
                            .comparison())
                    .startsWith(DIGEST);
            old.execute("update feed set v = 99 where id = 1");
            Run run = old.pipeline().run(there, RunRequest.forced(Trigger.CLI));
            assertThat(run.audit().comparison()).contains("written since run 2");
            assertThat(run.updated()).isEqualTo(1);
            assertThat(old.rows("select g, id, v from feed order by g, id")).isEqualTo(ROWS);
        }
    }
}
