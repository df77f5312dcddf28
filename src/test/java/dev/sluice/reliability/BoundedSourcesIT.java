package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.history.SourceSummary;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a source controls stays bounded, each finding of the hostile probe reproduced: zip members a run does not read
 * are inflated within the same limits as the one it reads; an ETag of 150,000 characters is not kept; a quarantined
 * row of megabytes is kept cut; a run of hundreds of files lists the first of them; a body labelled gzip that is not
 * gzip fails at once, not after five attempts. Each was red before its fix.
 */
class BoundedSourcesIT {
    private static TestRig rig;

    @BeforeAll
    static void start() {
        rig = new TestRig();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    private static PipelineSpec pipeline(String name, String location, String more) throws IOException {
        Path dir = Files.createTempDirectory(rig.home, name);
        Path file = dir.resolve("p.yaml");
        Files.writeString(
                file,
                "name: " + name + "\n" + more + "sources:\n  - name: s\n    " + location + "\n    key: [id]\n"
                        + "    columns:\n      - { header: id, type: integer }\n      - { header: v }\n"
                        + "target: { table: " + name.replace('-', '_') + " }\n");
        return TestRig.withFastFetch(
                new PipelineFileReader(Trust.none().withFileRoots(rig.home)).read(file.toString()));
    }

    /** 65 MiB of zeros, packed to about 64 KiB: past the fast settings' 64 MiB, and past 250 times its size. */
    private static byte[] zeros() {
        return new byte[65 << 20];
    }

    private static byte[] zip(Map<String, byte[]> members) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> member : members.entrySet()) {
                zip.putNextEntry(new ZipEntry(member.getKey()));
                zip.write(member.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    @Test
    void zip_members_not_read_are_inflated_within_the_limits_of_the_one_read() throws Exception {
        byte[] data = "id,v\n1,a\n".getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> macos = new LinkedHashMap<>();
        macos.put("data.csv", data);
        macos.put("__MACOSX/._data.csv", zeros());
        Map<String, byte[]> before = new LinkedHashMap<>();
        before.put("padding.bin", zeros());
        before.put("data.csv", data);
        rig.server.script("/macos.zip", SourceServer.body(zip(macos)));
        rig.server.script("/before.zip", SourceServer.body(zip(before)));

        Run afterTheMember = rig.run(pipeline("zip-macos", "url: " + rig.server.url("/macos.zip"), ""));
        Run beforeTheMember =
                rig.run(pipeline("zip-member", "url: " + rig.server.url("/before.zip") + "\n    member: data.csv", ""));

        for (Run run : java.util.List.of(afterTheMember, beforeTheMember)) {
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.TOO_LARGE);
            assertThat(run.error().orElseThrow().message()).contains("zip body unpacks to more than");
        }
    }

    @Test
    void an_etag_longer_than_any_real_one_is_neither_kept_nor_sent_back() throws Exception {
        String etag = "\"" + "e".repeat(150_000) + "\"";
        byte[] body = "id,v\n1,a\n".getBytes(StandardCharsets.UTF_8);
        rig.server.script("/etag.csv", exchange -> {
            exchange.getResponseHeaders().set("ETag", etag);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        });
        PipelineSpec spec = pipeline("long-etag", "url: " + rig.server.url("/etag.csv"), "");
        Run run = rig.run(spec);
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.sources().get("s").etag()).isNull();
        assertThat(rig.count(
                        "select count(*) from sluice.source_state where pipeline = 'long-etag' and etag is not null"))
                .isZero();
        assertThat(rig.count("select max(length(sources::text)) from sluice.runs where pipeline = 'long-etag'"))
                .isLessThan(2_000);

        rig.run(spec);
        assertThat(rig.server.requests("/etag.csv").get(1).header("If-None-Match"))
                .isNull();
    }

    @Test
    void a_quarantined_row_of_megabytes_is_kept_cut_and_read_a_page_at_a_time() throws Exception {
        String huge = "x".repeat(3_000_000);
        byte[] body = ("id,v\n1,a\nnot-a-number," + huge + "\n2,b\n").getBytes(StandardCharsets.UTF_8);
        rig.server.script("/huge-row.csv", SourceServer.body(body));
        Run run = rig.run(pipeline(
                "huge-row", "url: " + rig.server.url("/huge-row.csv"), "invalid_rows: quarantine\nmax_invalid: 1\n"));
        assertThat(run.status())
                .as(run.error().map(RunError::message).orElse(""))
                .isEqualTo(RunStatus.SUCCEEDED);
        assertThat(rig.text("select length(raw_line) || ' ' || right(raw_line, 43) from sluice.rejected_rows"))
                .hasValue("10043 ... (cut: the row has 3,000,013 characters)");
    }

    @Test
    void a_run_of_hundreds_of_files_records_their_count_and_the_first_two_hundred() throws Exception {
        Path dir = Files.createTempDirectory(rig.home, "many");
        for (int i = 0; i < 250; i++) {
            Files.writeString(dir.resolve(String.format("day-%03d.csv", i)), "id,v\n" + i + ",x\n");
        }
        Run run = rig.run(pipeline("many-files", "file: " + dir + "/day-*.csv", ""));
        assertThat(run.status())
                .as(run.error().map(RunError::message).orElse(""))
                .isEqualTo(RunStatus.SUCCEEDED);
        SourceSummary source = run.sources().get("s");
        assertThat(source.fileCount()).isEqualTo(250);
        assertThat(source.rows()).isEqualTo(250);
        assertThat(source.files()).hasSize(SourceSummary.FILES_KEPT);
        assertThat(rig.text("select sources->'s'->>'fileCount' from sluice.runs where id = " + run.id()))
                .hasValue("250");
    }

    @Test
    void a_body_labelled_gzip_that_is_not_gzip_fails_at_once_as_not_csv() throws Exception {
        byte[] body = "id,v\n1,a\n".getBytes(StandardCharsets.UTF_8);
        rig.server.script("/labelled.csv", exchange -> {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        });
        Run run = rig.run(pipeline("labelled-gzip", "url: " + rig.server.url("/labelled.csv"), ""));
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.error().orElseThrow().kind()).isEqualTo(ErrorKind.NOT_CSV);
        assertThat(run.error().orElseThrow().message())
                .contains("says Content-Encoding: gzip, but its body is not gzip");
        assertThat(rig.server.requests("/labelled.csv")).hasSize(1);
    }
}
