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

class ChannelReaderTest {
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

    private static PipelineSpec parse(String channels, Map<String, String> lent) {
        return parse(channels, Trust.none().lending(lent));
    }

    private static PipelineSpec parse(String channels, Trust trust) {
        return new PipelineFileReader(trust).parse("demo.yaml", PIPELINE + channels, Optional.empty());
    }

    @Test
    void channels_read_their_secrets_from_the_environment_or_a_file(@TempDir Path dir) throws IOException {
        Path key = dir.resolve("key");
        Files.writeString(key, "file-key\n");
        PipelineSpec spec = parse(
                """
                  - name: team-email
                    type: email
                    on: [failed, skipped_locked]
                    host: smtp.example.org
                    user: etl
                    password: { env: SMTP_PASSWORD }
                    from: sluice@example.org
                    to: [a@example.org, b@example.org]
                  - name: slack
                    type: webhook
                    format: slack
                    url: { env: SLACK_URL }
                    signing_key: { file: %s }
                  - name: topic
                    type: sns
                    topic_arn: arn:aws:sns:eu-west-1:123456789012:runs
                """.formatted(key),
                Trust.none()
                        .lending(Map.of("SMTP_PASSWORD", "pw", "SLACK_URL", "https://hooks.example.org/T/B/x"))
                        .withSecretDirectories(dir));

        EmailChannelSpec email = (EmailChannelSpec) spec.notifications().get(0);
        assertThat(email.on()).containsExactlyInAnyOrder(NotifyOn.FAILED, NotifyOn.SKIPPED_LOCKED);
        assertThat(email.port()).isEqualTo(587);
        assertThat(email.tls()).isEqualTo(EmailChannelSpec.SmtpTls.STARTTLS);
        assertThat(email.password().orElseThrow().reveal()).isEqualTo("pw");
        assertThat(email.to()).containsExactly("a@example.org", "b@example.org");
        WebhookChannelSpec slack = (WebhookChannelSpec) spec.notifications().get(1);
        assertThat(slack.format()).isEqualTo(WebhookChannelSpec.Format.SLACK);
        assertThat(slack.url().reveal()).isEqualTo("https://hooks.example.org/T/B/x");
        assertThat(slack.signingKey().orElseThrow().reveal()).isEqualTo("file-key");
        assertThat(slack.on())
                .isEqualTo(ChannelSpec.DEFAULT_OUTCOMES)
                .doesNotContain(NotifyOn.UNCHANGED)
                .contains(NotifyOn.LATE);
        SnsChannelSpec sns = (SnsChannelSpec) spec.notifications().get(2);
        assertThat(sns.topicArn()).isEqualTo("arn:aws:sns:eu-west-1:123456789012:runs");
        assertThat(spec.notifications().toString())
                .doesNotContain("hooks.example.org")
                .doesNotContain("file-key");
    }

    @Test
    void an_inline_secret_is_rejected_with_its_line() {
        PipelineConfigException e = catchThrowableOfType(PipelineConfigException.class, () -> parse("""
                  - name: hook
                    type: webhook
                    url: https://hooks.example.org/T/B/secret
                """, Map.of()));
        assertThat(e.fileLine()).isEqualTo(12);
        assertThat(e.field()).isEqualTo("notifications[0].url");
        assertThat(e.getMessage()).contains("never written inline").doesNotContain("hooks.example.org");
    }

    @Test
    void a_missing_environment_variable_is_named() {
        PipelineConfigException e =
                catchThrowableOfType(PipelineConfigException.class, () -> parse("""
                  - name: hook
                    type: webhook
                    url: { env: NOT_SET_ANYWHERE }
                """, Map.of("NOT_SET_ANYWHERE", "")));
        assertThat(e.getMessage()).contains("NOT_SET_ANYWHERE is not set").contains("notifications[0].url.env");
    }

    @Test
    void unknown_outcomes_and_types_are_rejected() {
        assertThat(catchThrowableOfType(PipelineConfigException.class, () -> parse("""
                  - { name: t, type: sns, topic_arn: "arn:aws:sns:eu-west-1:123456789012:r", on: [done] }
                """, Map.of()))
                        .getMessage())
                .contains("unknown outcome 'done'");
        assertThat(catchThrowableOfType(PipelineConfigException.class, () -> parse("""
                  - { name: t, type: pager }
                """, Map.of()))
                        .getMessage())
                .contains("unknown channel type 'pager'");
        assertThat(catchThrowableOfType(PipelineConfigException.class, () -> parse("""
                  - { name: t, type: sns, topic_arn: "not-an-arn" }
                """, Map.of()))
                        .getMessage())
                .contains("is not an SNS topic ARN");
    }
}
