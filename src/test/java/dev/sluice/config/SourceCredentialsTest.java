package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTP source's {@code headers:} and {@code auth:}: credentials only by reference and under the operator's trust,
 * never towards plaintext hosts the operator did not allow, never on a source that is not HTTP; a refusal names the
 * field and never the value.
 */
class SourceCredentialsTest {
    private static final Trust LENT = Trust.none()
            .lending(Map.of("FEED_TOKEN", "tok-Ab12", "FEED_PASS", "pa:ss-Cd34"))
            .allowingPlaintextTo("127.0.0.1");

    private static String pipeline(String url, String credentials) {
        return """
                name: demo
                sources:
                  - name: a
                    url: %s
                %s
                    key: [d]
                    columns:
                      - { header: d, type: date }
                target: { table: t }
                """.formatted(url, credentials.indent(4).stripTrailing());
    }

    private static HttpCredentials accepted(String url, String credentials, Trust trust) {
        return (HttpCredentials) new PipelineFileReader(trust)
                .parse("fine.yaml", pipeline(url, credentials), Optional.empty())
                .sources()
                .get(0)
                .credentials();
    }

    private static String refused(String url, String credentials, Trust trust) {
        PipelineConfigException e = catchThrowableOfType(
                PipelineConfigException.class,
                () -> new PipelineFileReader(trust)
                        .parse("hostile.yaml", pipeline(url, credentials), Optional.empty()));
        assertThat(e).as("the file is refused").isNotNull();
        assertThat(e.fileLine()).isPositive();
        assertThat(e.getMessage()).doesNotContain("tok-Ab12").doesNotContain("pa:ss-Cd34");
        return e.getMessage();
    }

    private static Map<String, String> sent(HttpCredentials credentials) {
        return credentials.headers().stream()
                .collect(java.util.stream.Collectors.toMap(
                        HttpCredentials.Header::name, h -> h.value().reveal()));
    }

    @Test
    void bearer_basic_and_headers_become_the_headers_sent(@TempDir Path secrets) throws Exception {
        Files.writeString(secrets.resolve("key"), "key-Ef56\n");
        Trust trust = LENT.withSecretDirectories(secrets);
        HttpCredentials bearer = accepted("https://example.org/a.csv", """
                headers:
                  X-Api-Key: { file: %s }
                  Accept: text/csv
                auth: { bearer: { env: FEED_TOKEN } }
                """.formatted(secrets.resolve("key")), trust);
        assertThat(sent(bearer))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("X-Api-Key", "key-Ef56", "Accept", "text/csv", "Authorization", "Bearer tok-Ab12"));
        assertThat(bearer.toString()).doesNotContain("key-Ef56").doesNotContain("tok-Ab12");

        HttpCredentials basic = accepted(
                "http://127.0.0.1:9/a.csv", "auth: { basic: { user: etl, password: { env: FEED_PASS } } }", trust);
        // RFC 7617: user, a colon, the password, in base64; computed here by hand of the parts.
        assertThat(sent(basic))
                .containsExactly(Map.entry(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString("etl:pa:ss-Cd34".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void a_credential_is_refused_inline_unlent_over_plaintext_or_off_http() {
        assertThat(refused("https://example.org/a.csv", "headers: { X-Api-Key: abc123 }", LENT))
                .contains("sources[0].headers.X-Api-Key")
                .contains("never written inline")
                .doesNotContain("abc123");
        assertThat(refused("https://example.org/a.csv", "auth: { bearer: abc123 }", LENT))
                .contains("never written inline");
        assertThat(refused("https://example.org/a.csv", "auth: { bearer: { env: OTHER } }", LENT))
                .contains("SLUICE_SECRET_ENV");
        assertThat(refused("http://example.org/a.csv", "auth: { bearer: { env: FEED_TOKEN } }", LENT))
                .contains("plain http to example.org")
                .contains("SLUICE_PLAINTEXT_HOSTS");
        assertThat(refused("s3://bucket/a.csv", "auth: { bearer: { env: FEED_TOKEN } }", LENT))
                .contains("for sources read over http or https");
        assertThat(refused("https://example.org/a.csv", "headers: { Host: example.com }", LENT))
                .contains("sluice or HTTP sets itself");
        assertThat(refused("https://example.org/a.csv", "headers: { \"X-A\": \"a\\r\\nX-Evil: 1\" }", LENT))
                .contains("control character");
        assertThat(refused(
                        "https://example.org/a.csv",
                        "headers: { Authorization: { env: FEED_TOKEN } }\nauth: { bearer: { env: FEED_TOKEN } }",
                        LENT))
                .contains("two ways to say one header");
        assertThat(refused(
                        "https://example.org/a.csv",
                        "auth: { bearer: { env: FEED_TOKEN }, basic: { user: a, password: { env: FEED_PASS } } }",
                        LENT))
                .contains("exactly one of");
    }

    @Test
    void an_sftp_login_is_by_reference_and_its_server_is_pinned() {
        String pinned = "SHA256:" + "A".repeat(43);
        SftpCredentials login = (SftpCredentials) new PipelineFileReader(LENT)
                .parse(
                        "fine.yaml",
                        pipeline(
                                "sftp://feed@example.org/out/a.csv",
                                "sftp: { password: { env: FEED_PASS }, host_key: \"" + pinned + "\" }"),
                        Optional.empty())
                .sources()
                .get(0)
                .credentials();
        assertThat(login.user()).isEqualTo("feed");
        assertThat(login.password().orElseThrow().reveal()).isEqualTo("pa:ss-Cd34");
        assertThat(login.fingerprints()).containsExactly(pinned);
        assertThat(login.toString()).doesNotContain("pa:ss-Cd34");

        assertThat(refused("sftp://feed:abc123@example.org/a.csv", "sftp: { password: { env: FEED_PASS } }", LENT))
                .contains("holds a password")
                .doesNotContain("abc123");
        assertThat(refused("sftp://feed@example.org/a.csv", "sftp: { password: { env: FEED_PASS } }", LENT))
                .contains("never trusted on first use");
        assertThat(refused(
                        "sftp://feed@example.org/a.csv",
                        "sftp: { password: abc123, host_key: \"" + pinned + "\" }",
                        LENT))
                .contains("never written inline");
        assertThat(refused(
                        "sftp://feed@example.org/a.csv", "sftp: { password: { env: FEED_PASS }, host_key: md5 }", LENT))
                .contains("is not a SHA256 fingerprint");
        assertThat(refused("sftp://example.org/a.csv", "sftp: { password: { env: FEED_PASS } }", LENT))
                .contains("names no user");
        assertThat(refused("https://example.org/a.csv", "sftp: { password: { env: FEED_PASS } }", LENT))
                .contains("is for sources read over sftp://");
    }

    @Test
    void a_pipeline_only_shown_needs_no_secret_lent(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, pipeline("https://example.org/a.csv", "auth: { bearer: { env: FEED_TOKEN } }"));
        PipelineSpec shown = new PipelineFileReader(Trust.none()).readToShow(file.toString());
        assertThat(shown.sources().get(0).credentials().names()).containsExactly("Authorization");
        PipelineConfigException run = catchThrowableOfType(
                PipelineConfigException.class, () -> new PipelineFileReader(Trust.none()).read(file.toString()));
        assertThat(run).as("a run needs the secret lent").isNotNull();
        assertThat(run.getMessage()).contains("SLUICE_SECRET_ENV");
    }
}
