package dev.sluice.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.RunStatus;
import dev.sluice.history.Run;
import dev.sluice.history.RunJson;
import dev.sluice.init.CredentialOptions;
import dev.sluice.init.Initializer;
import dev.sluice.testing.CapturedLogs;
import dev.sluice.testing.SftpServer;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.TestDatabase;
import dev.sluice.testing.TestRig;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sftp://} sources against a real SSH server on loopback (Apache MINA SSHD's): the NYT file loads the table
 * its HTTP twin loads, by password and by key; an unchanged file is not read again; a server whose host key is not
 * the pinned one is refused before any password is sent; a missing file and a file still being written fail as they
 * should, the table left as it was, and no secret appears anywhere.
 */
class SftpSourceIT {
    private static final String PASSWORD = "sftp-pass-Rr61-never-shown";

    /** The two halves a glob reads: the NYT file's 2020 rows and the rest, each with the header, in {@code daily/}. */
    private static void writeHalves(Path root) throws Exception {
        List<String> all = Files.readAllLines(SharedData.nyt("2022-04-19"));
        Files.createDirectory(root.resolve("daily"));
        Files.write(
                root.resolve("daily/us-2020.csv"),
                all.stream()
                        .filter(l -> l.startsWith("date") || l.startsWith("2020"))
                        .toList());
        Files.write(
                root.resolve("daily/us-2021-on.csv"),
                all.stream()
                        .filter(l -> l.startsWith("date") || !l.startsWith("2020"))
                        .toList());
    }

    /** init's options for an SFTP login by password, with the host keys given. */
    private static CredentialOptions login(String password, String... hostKeys) {
        return new CredentialOptions(
                List.of(),
                Optional.empty(),
                Optional.empty(),
                new CredentialOptions.SftpLogin(
                        Optional.of(password),
                        Optional.empty(),
                        Optional.empty(),
                        List.of(hostKeys),
                        Optional.empty()));
    }

    /** init on the server's {@code /us.csv} with {@code options}. */
    private static Initializer.Result initUs(TestRig rig, SftpServer server, Path dir, CredentialOptions options) {
        return rig.wiring
                .initializer()
                .initialize(new Initializer.Request(List.of(server.url("/us.csv")), Optional.empty(), dir, options));
    }

    /** The {@code sftp:} of a password login to {@code server}, its key pinned. */
    private static String passwordLogin(SftpServer server) {
        return "{ password: { env: FEED_PASSWORD }, host_key: \"" + server.fingerprint() + "\" }";
    }

    /** A table's rows as text in key order, digested: equal for equal tables. */
    private static Optional<String> digest(TestRig rig, String table) {
        return rig.text("select md5(string_agg(t::text, '|' order by date)) from " + table + " t");
    }

    private static KeyPair clientKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static Path pipeline(Path dir, String name, String url, String login) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, """
                name: %s
                sources:
                  - name: nyt
                    url: %s
                    sftp: %s
                    fetch: { attempts: 2, backoff: 10ms, max_backoff: 20ms }
                    key: [date]
                    columns:
                      - { header: date, type: date }
                      - { header: cases, type: integer }
                      - { header: deaths, type: integer }
                target: { table: %s }
                """.formatted(name, url, login, name));
        return file;
    }

    @Test
    void a_file_on_sftp_loads_by_password_and_by_key_and_is_not_read_again_unchanged(
            @TempDir Path root, @TempDir Path dir, @TempDir Path secrets) throws Exception {
        KeyPair key = clientKey();
        ByteArrayOutputStream pem = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "sluice-test", null, pem);
        Files.write(secrets.resolve("id"), pem.toByteArray());
        Files.copy(SharedData.nyt("2022-04-19"), root.resolve("us.csv"));
        long lines = Files.readAllLines(SharedData.nyt("2022-04-19")).stream()
                        .filter(l -> !l.isBlank())
                        .count()
                - 1;
        try (SftpServer server = new SftpServer(root, PASSWORD, key.getPublic());
                TestRig rig = new TestRig(
                        TestDatabase.createDatabase(),
                        Map.of(
                                "SLUICE_SECRET_ENV",
                                "FEED_PASSWORD",
                                "FEED_PASSWORD",
                                PASSWORD,
                                "SLUICE_SECRET_DIRS",
                                secrets.toString()))) {
            Path byPassword = pipeline(dir, "by_password", server.url("/us.csv"), passwordLogin(server));
            Run first = rig.run(rig.wiring.readPipeline(byPassword.toString()));
            assertThat(first.status()).as(String.valueOf(first.error())).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(rig.count("select count(*) from by_password")).isEqualTo(lines);
            assertThat(rig.rows("select cases::text, deaths::text from by_password where date = '2022-04-19'"))
                    .containsExactly(List.of("80645527", "987999"));
            int reads = server.reads.get();

            Run again = rig.run(rig.wiring.readPipeline(byPassword.toString()));
            assertThat(again.status()).isEqualTo(RunStatus.UNCHANGED);
            assertThat(server.reads.get())
                    .as("same size and time: not read again")
                    .isEqualTo(reads);

            Path byKey = pipeline(
                    dir,
                    "by_key",
                    server.url("/us.csv"),
                    "{ private_key: { file: " + secrets.resolve("id") + " }, host_key: \"" + server.fingerprint()
                            + "\" }");
            Run keyed = rig.run(rig.wiring.readPipeline(byKey.toString()));
            assertThat(keyed.status()).as(String.valueOf(keyed.error())).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(digest(rig, "by_key")).isEqualTo(digest(rig, "by_password"));

            // The same rows in two files of a directory, beside one that does not match: a glob lists it.
            writeHalves(root);
            Files.writeString(root.resolve("daily/notes.txt"), "not data\n");
            Path byGlob = pipeline(dir, "by_glob", server.url("/daily/us-*.csv"), passwordLogin(server));
            Run globbed = rig.run(rig.wiring.readPipeline(byGlob.toString()));
            assertThat(globbed.status()).as(String.valueOf(globbed.error())).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(globbed.sources().get("nyt").fileCount()).isEqualTo(2);
            assertThat(digest(rig, "by_glob")).isEqualTo(digest(rig, "by_password"));
        }
    }

    @Test
    void a_wrong_host_key_a_missing_file_and_a_file_being_written_fail_and_change_nothing(
            @TempDir Path root, @TempDir Path dir) throws Exception {
        Files.copy(SharedData.nyt("2022-04-19"), root.resolve("us.csv"));
        try (SftpServer server = new SftpServer(root, PASSWORD, clientKey().getPublic());
                CapturedLogs logs = new CapturedLogs();
                TestRig rig = new TestRig(
                        TestDatabase.createDatabase(),
                        Map.of("SLUICE_SECRET_ENV", "FEED_PASSWORD", "FEED_PASSWORD", PASSWORD))) {
            String login = passwordLogin(server);
            Path good = pipeline(dir, "feed", server.url("/us.csv"), login);
            assertThat(rig.run(rig.wiring.readPipeline(good.toString())).status())
                    .isEqualTo(RunStatus.SUCCEEDED);
            String before = rig.tableState("feed", "date");
            StringBuilder everything = new StringBuilder();

            String otherKey =
                    KeyUtils.getFingerPrint(BuiltinDigests.sha256, clientKey().getPublic());
            int tried = server.passwordsTried.get();
            Run impostor = rig.run(rig.wiring.readPipeline(pipeline(
                            dir,
                            "feed",
                            server.url("/us.csv"),
                            "{ password: { env: FEED_PASSWORD }, host_key: \"" + otherKey + "\" }")
                    .toString()));
            assertThat(impostor.status()).isEqualTo(RunStatus.FAILED);
            assertThat(impostor.error().orElseThrow().message())
                    .contains("the server's host key " + server.fingerprint())
                    .contains("is not the pinned " + otherKey);
            assertThat(server.passwordsTried.get())
                    .as("no password sent to an unknown server")
                    .isEqualTo(tried);
            everything.append(RunJson.toJson(impostor));

            Run missing = rig.run(rig.wiring.readPipeline(
                    pipeline(dir, "feed", server.url("/gone.csv"), login).toString()));
            assertThat(missing.status()).isEqualTo(RunStatus.FAILED);
            assertThat(missing.error().orElseThrow().message()).contains("/gone.csv: no such file");
            everything.append(RunJson.toJson(missing));

            server.growWhileRead = true;
            Files.writeString(root.resolve("us.csv"), "2099-01-02,1,1\n", StandardOpenOption.APPEND);
            // The same file as the first run's (the cases above wrote others over it).
            pipeline(dir, "feed", server.url("/us.csv"), login);
            Run growing = rig.run(rig.wiring.readPipeline(good.toString()));
            assertThat(growing.status()).isEqualTo(RunStatus.FAILED);
            assertThat(growing.error().orElseThrow().message())
                    .contains("the file changed while it was read")
                    .contains("still being written?")
                    .contains("(after 2 attempts)");
            everything.append(RunJson.toJson(growing)).append(logs.text());

            assertThat(rig.tableState("feed", "date")).isEqualTo(before);
            assertThat(everything.toString()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void init_reads_a_file_and_a_glob_on_sftp_by_reference_and_writes_pipelines_that_load_them(
            @TempDir Path root, @TempDir Path dir) throws Exception {
        List<String> all = Files.readAllLines(SharedData.nyt("2022-04-19"));
        Files.write(root.resolve("us.csv"), all);
        writeHalves(root);
        // The file's rows, counted here: its lines but the header and blank ones.
        long rows = all.stream().filter(l -> !l.isBlank()).count() - 1;
        try (SftpServer server = new SftpServer(root, PASSWORD, null);
                CapturedLogs logs = new CapturedLogs();
                TestRig rig = new TestRig(
                        TestDatabase.createDatabase(),
                        Map.of("SLUICE_SECRET_ENV", "FEED_PASSWORD", "FEED_PASSWORD", PASSWORD))) {
            StringBuilder written = new StringBuilder();
            for (String[] feed :
                    List.of(new String[] {"init_file", "/us.csv"}, new String[] {"init_glob", "/daily/us-*.csv"})) {
                Initializer.Result result = rig.wiring
                        .initializer()
                        .initialize(new Initializer.Request(
                                List.of(server.url(feed[1])),
                                Optional.of(feed[0]),
                                dir,
                                login("env:FEED_PASSWORD", server.fingerprint())));
                String yaml = result.yaml();
                written.append(yaml).append(result.reasons());
                assertThat(yaml)
                        .contains("url: \"" + server.url(feed[1]) + "\"")
                        .contains("password: { env: \"FEED_PASSWORD\" }")
                        .contains("host_key: [\"" + server.fingerprint() + "\"]");
                assertThat(result.key()).containsExactly("date");
                Path file = dir.resolve(feed[0] + ".yaml");
                Files.writeString(file, yaml);
                Run run = rig.run(rig.wiring.readPipeline(file.toString()));
                assertThat(run.status()).as(yaml + run.error()).isEqualTo(RunStatus.SUCCEEDED);
                assertThat(rig.count("select count(*) from " + feed[0])).isEqualTo(rows);
                assertThat(rig.rows("select cases::text, deaths::text from " + feed[0] + " where date = '2022-04-19'"))
                        .containsExactly(List.of("80645527", "987999"));
            }

            // Without the server's key, or with another's: refused, and no password offered.
            int tried = server.passwordsTried.get();
            CredentialOptions noHostKey = login("env:FEED_PASSWORD");
            assertThatThrownBy(() -> initUs(rig, server, dir, noHostKey))
                    .hasMessageContaining("host_key")
                    .hasMessageContaining("never trusted on first use");
            assertThatThrownBy(() -> initUs(rig, server, dir, CredentialOptions.NONE))
                    .hasMessageContaining("--sftp-password REF or --private-key REF")
                    .hasMessageContaining("--host-key");
            String otherKey =
                    KeyUtils.getFingerPrint(BuiltinDigests.sha256, clientKey().getPublic());
            CredentialOptions impostor = login("env:FEED_PASSWORD", otherKey);
            assertThatThrownBy(() -> initUs(rig, server, dir, impostor))
                    .hasMessageContaining("is not the pinned " + otherKey);
            assertThat(server.passwordsTried.get()).isEqualTo(tried);
            // A password given as itself rather than by reference is refused without being repeated.
            CredentialOptions inline = login(PASSWORD, server.fingerprint());
            assertThatThrownBy(() -> initUs(rig, server, dir, inline))
                    .hasMessageContaining("--sftp-password takes a reference")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD));
            assertThat(written + logs.text()).doesNotContain(PASSWORD);
        }
    }
}
