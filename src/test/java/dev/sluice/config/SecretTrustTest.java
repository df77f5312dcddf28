package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust boundary for secrets (security finding 1): a pipeline or notifications file reads only the secrets the
 * operator lent it, and sends a credential only over TLS unless the operator allowed plaintext to that host. Each
 * refusal names the file, the line and the field, and never the secret.
 */
class SecretTrustTest {
    private static final String PIPELINE = """
            name: demo
            sources:
              - name: a
                url: https://example.org/a.csv
                key: [d]
                columns:
                  - { header: d, type: date }
            target: { table: t }
            notifications:
            """;

    private static PipelineConfigException refused(String channels, Trust trust) {
        PipelineConfigException e = catchThrowableOfType(
                PipelineConfigException.class,
                () -> new PipelineFileReader(trust).parse("hostile.yaml", PIPELINE + channels, Optional.empty()));
        assertThat(e).as("the file is refused").isNotNull();
        assertThat(e.file()).isEqualTo("hostile.yaml");
        assertThat(e.fileLine()).isPositive();
        return e;
    }

    private static PipelineSpec accepted(String channels, Trust trust) {
        return new PipelineFileReader(trust).parse("fine.yaml", PIPELINE + channels, Optional.empty());
    }

    private static String email(String password, String tls) {
        return """
                  - name: mail
                    type: email
                    host: 127.0.0.1
                    port: 2525
                    tls: %s
                    user: etl
                    password: %s
                    from: sluice@example.org
                    to: [a@example.org]
                """.formatted(tls, password);
    }

    @Test
    void sluice_s_own_settings_are_never_lent_to_a_file_even_when_listed() {
        Trust lendingEverything = Trust.none()
                .lending(Map.of("SLUICE_DB_PASSWORD", "db-pass-Qv42", "SLUICE_API_TOKEN", "api-token-Xy66"));
        PipelineConfigException e = refused(email("{env: SLUICE_DB_PASSWORD}", "starttls"), lendingEverything);
        assertThat(e.field()).isEqualTo("notifications[0].password.env");
        assertThat(e.getMessage())
                .contains("SLUICE_DB_PASSWORD is one of sluice's own settings")
                .doesNotContain("db-pass-Qv42");
    }

    @Test
    void a_variable_the_operator_did_not_lend_is_refused_and_a_lent_one_is_read() {
        Trust nothingLent = Trust.none();
        PipelineConfigException e = refused(email("{env: SMTP_PASSWORD}", "starttls"), nothingLent);
        assertThat(e.getMessage()).contains("SMTP_PASSWORD is not lent").contains("SLUICE_SECRET_ENV");

        PipelineSpec spec = accepted(
                email("{env: SMTP_PASSWORD}", "starttls"), Trust.none().lending(Map.of("SMTP_PASSWORD", "pw")));
        assertThat(((EmailChannelSpec) spec.notifications().get(0))
                        .password()
                        .orElseThrow()
                        .reveal())
                .isEqualTo("pw");
    }

    @Test
    void a_secret_file_outside_the_lent_directories_is_refused(@TempDir Path dir) throws IOException {
        PipelineConfigException shadow =
                refused(email("{file: /etc/shadow}", "starttls"), Trust.none().withSecretDirectories(dir));
        assertThat(shadow.field()).isEqualTo("notifications[0].password.file");
        assertThat(shadow.getMessage())
                .contains("outside the directories allowed")
                .contains("SLUICE_SECRET_DIRS");

        PipelineConfigException none = refused(email("{file: /etc/shadow}", "starttls"), Trust.none());
        assertThat(none.getMessage()).contains("files may read no secret file");
    }

    @Test
    void a_link_inside_a_lent_directory_that_leads_out_of_it_is_refused(@TempDir Path dir) throws IOException {
        Path lent = Files.createDirectories(dir.resolve("secrets"));
        Path outside = Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(outside.resolve("key"), "stolen-Kx11");
        Files.createSymbolicLink(lent.resolve("key"), outside.resolve("key"));
        Files.createSymbolicLink(lent.resolve("sub"), outside);
        Trust trust = Trust.none().withSecretDirectories(lent);

        assertThat(refused(email("{file: " + lent.resolve("key") + "}", "starttls"), trust)
                        .getMessage())
                .contains("really " + outside.toRealPath().resolve("key"))
                .doesNotContain("stolen-Kx11");
        assertThat(refused(email("{file: " + lent.resolve("sub/key") + "}", "starttls"), trust)
                        .getMessage())
                .contains("outside the directories allowed");
    }

    @Test
    void a_password_travels_only_over_tls_unless_the_operator_allows_plaintext_to_that_host() {
        Trust lent = Trust.none().lending(Map.of("SMTP_PASSWORD", "pw"));
        PipelineConfigException e = refused(email("{env: SMTP_PASSWORD}", "none"), lent);
        assertThat(e.field()).isEqualTo("notifications[0]");
        assertThat(e.getMessage()).contains("sends its SMTP password without TLS to 127.0.0.1");

        assertThat(accepted(email("{env: SMTP_PASSWORD}", "none"), lent.allowingPlaintextTo("127.0.0.1"))
                        .notifications())
                .hasSize(1);
    }

    @Test
    void a_webhook_url_and_an_sns_signature_go_over_https_only() {
        Trust lent = Trust.none().lending(Map.of("HOOK", "http://hooks.internal.example/T/B/hook-token-Zq81"));
        PipelineConfigException hook = refused("""
                  - name: hook
                    type: webhook
                    url: { env: HOOK }
                """, lent);
        assertThat(hook.getMessage())
                .contains("over plain http to hooks.internal.example")
                .doesNotContain("hook-token-Zq81");

        PipelineConfigException sns = refused("""
                  - name: topic
                    type: sns
                    topic_arn: arn:aws:sns:us-east-1:123456789012:t
                    endpoint: http://127.0.0.1:4566
                """, Trust.none());
        assertThat(sns.getMessage()).contains("the AWS request signature and session token over plain http");

        assertThat(accepted("""
                  - name: topic
                    type: sns
                    topic_arn: arn:aws:sns:us-east-1:123456789012:t
                    endpoint: http://127.0.0.1:4566
                """, Trust.none().allowingPlaintextTo("127.0.0.1")).notifications())
                .hasSize(1);
    }
}
