package dev.sluice.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.sluice.RunStatus;
import dev.sluice.config.ChannelSpec;
import dev.sluice.config.EmailChannelSpec;
import dev.sluice.config.HttpCredentials;
import dev.sluice.config.OpenLineageChannelSpec;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Secret;
import dev.sluice.config.SnsChannelSpec;
import dev.sluice.config.WebhookChannelSpec;
import dev.sluice.history.DeliveryStatus;
import dev.sluice.history.Run;
import dev.sluice.history.RunJson;
import dev.sluice.testing.CapturedLogs;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestRig;
import java.net.URI;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A failing run whose every channel fails, configured with known secret values: none of them may appear in any log
 * line, exception, outbox error or recorded run.
 */
class SecretsIT {
    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("etl@example.org", "the-real-password"));

    private static final List<String> SECRETS = List.of(
            "hook-token-Zq81",
            "hmac-key-Rt55",
            "smtp-pass-Wx09",
            "aws-secret-key-do-not-log",
            "source-pass-Kd32",
            "source-token-Mm77",
            "source-bearer-Qp12",
            "source-api-key-Vb45",
            "lineage-key-Qq11");

    @Test
    void no_secret_appears_in_logs_outbox_errors_or_run_records() throws Exception {
        try (TestRig rig = new TestRig();
                SourceServer receiver = new SourceServer();
                CapturedLogs logs = new CapturedLogs()) {
            receiver.script("/services/hook-token-Zq81", SourceServer.status(500));
            receiver.script("/lineage", SourceServer.status(503));
            receiver.script(
                    "/",
                    SourceServer.respond(
                            403,
                            "text/xml",
                            "<ErrorResponse><Error><Type>Sender</Type>"
                                    + "<Code>InvalidClientTokenId</Code><Message>The security token is invalid.</Message></Error>"
                                    + "</ErrorResponse>"));
            rig.server.script("/nyt.csv", SourceServer.body("date,cases,deaths\n2020-01-21,-1,0\n".getBytes()));
            rig.server.serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
            URI secretSource = URI.create("http://etl:source-pass-Kd32@127.0.0.1:"
                    + rig.server.url("/").getPort() + "/nyt.csv?token=source-token-Mm77");
            List<ChannelSpec> channels = List.of(
                    new WebhookChannelSpec(
                            "hook",
                            ChannelSpec.DEFAULT_OUTCOMES,
                            Secret.of(receiver.url("/services/hook-token-Zq81").toString()),
                            WebhookChannelSpec.Format.SLACK,
                            Optional.of(Secret.of("hmac-key-Rt55"))),
                    new EmailChannelSpec(
                            "mail",
                            ChannelSpec.DEFAULT_OUTCOMES,
                            "127.0.0.1",
                            MAIL.getSmtp().getPort(),
                            EmailChannelSpec.SmtpTls.NONE,
                            Optional.of("etl@example.org"),
                            Optional.of(Secret.of("smtp-pass-Wx09")),
                            "sluice@example.org",
                            List.of("a@example.org")),
                    new OpenLineageChannelSpec(
                            "lineage",
                            ChannelSpec.DEFAULT_OUTCOMES,
                            Secret.of(receiver.url("/lineage").toString()),
                            Optional.of(Secret.of("lineage-key-Qq11")),
                            "sluice"),
                    new SnsChannelSpec(
                            "sns",
                            ChannelSpec.DEFAULT_OUTCOMES,
                            "arn:aws:sns:us-east-1:123456789012:t",
                            Optional.of(receiver.url("")),
                            Optional.of("us-east-1")));
            PipelineSpec withUrl = TestRig.withUrl(rig.covidUs(), "nyt", secretSource);
            // The source's credentials: the first source (nyt) sends them, and its run fails on its data.
            PipelineSpec spec = withUrl.withSources(withUrl.sources().stream()
                            .map(s -> s.name().equals("nyt")
                                    ? s.withCredentials(new HttpCredentials(List.of(
                                            new HttpCredentials.Header(
                                                    "Authorization", Secret.of("Bearer source-bearer-Qp12")),
                                            new HttpCredentials.Header("X-Api-Key", Secret.of("source-api-key-Vb45")))))
                                    : s)
                            .toList())
                    .withMoreChannels(channels);

            Run run = rig.run(spec);
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(rig.dispatcher(spec).settle(run.id(), Duration.ofMillis(500)))
                    .isFalse();

            StringBuilder everything = new StringBuilder(logs.text());
            rig.rows("select coalesce(last_error, '') from sluice.notification_outbox")
                    .forEach(r -> everything.append(r.get(0)).append('\n'));
            try (Connection c = rig.database.connect()) {
                Run recorded = rig.wiring.history().find(c, run.id()).orElseThrow();
                everything.append(RunJson.toJson(recorded));
                assertThat(recorded.notifications()).extracting(d -> d.status()).containsOnly(DeliveryStatus.PENDING);
                assertThat(recorded.notifications())
                        .allSatisfy(d -> assertThat(d.lastError()).isPresent());
            }
            Notification sample = Notification.of(run, List.of());
            everything
                    .append(MessageText.plainText(sample))
                    .append(MessageText.html(sample))
                    .append(MessageText.slack(sample))
                    .append(MessageText.json(sample));

            assertThat(rig.server.requests("/nyt.csv").get(0).header("X-Api-Key"))
                    .as("the source's credentials were sent")
                    .isEqualTo("source-api-key-Vb45");
            everything.append(spec.sources().get(0).credentials());
            for (String secret : SECRETS) {
                assertThat(everything.toString()).as("a secret leaked").doesNotContain(secret);
            }
            assertThat(everything.toString())
                    .contains("hook: webhook answered HTTP 500")
                    .contains("mail: SMTP")
                    .contains("lineage: lineage endpoint answered HTTP 503")
                    .contains("The security token is invalid")
                    .contains("http://***@127.0.0.1")
                    .contains("token=***");
            assertThat(Map.of("spec", spec.notifications().toString())).doesNotContainValue("hook-token-Zq81");
            assertThat(spec.notifications().toString())
                    .doesNotContain("hook-token-Zq81")
                    .doesNotContain("smtp-pass");
        }
    }
}
