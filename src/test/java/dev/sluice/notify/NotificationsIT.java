package dev.sluice.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.sluice.RunStatus;
import dev.sluice.config.ChannelSpec;
import dev.sluice.config.EmailChannelSpec;
import dev.sluice.config.NotifyOn;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Secret;
import dev.sluice.config.SnsChannelSpec;
import dev.sluice.config.WebhookChannelSpec;
import dev.sluice.db.Database;
import dev.sluice.history.DeliveryStatus;
import dev.sluice.history.Run;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import dev.sluice.testing.TestRig;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every channel against a real peer on loopback: GreenMail, an HTTP receiver, an SNS query-protocol endpoint. */
class NotificationsIT {
    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("etl@example.org", "smtp-pass-1234"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SNS_OK = "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
            + "<PublishResult><MessageId>6f1b2c3d-0000-4000-8000-000000000001</MessageId></PublishResult>"
            + "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>";

    private TestRig rig;
    private SourceServer receiver;

    @BeforeEach
    void start() {
        rig = new TestRig();
        receiver = new SourceServer();
        rig.server
                .serveFile("/nyt.csv", SharedData.nyt("2022-04-19"))
                .serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
    }

    @AfterEach
    void stop() {
        receiver.close();
        rig.close();
    }

    private WebhookChannelSpec webhook(String name, WebhookChannelSpec.Format format, Set<NotifyOn> on) {
        return new WebhookChannelSpec(
                name,
                on,
                Secret.of(receiver.url("/hook/" + name).toString()),
                format,
                Optional.of(Secret.of("hmac-key-5678")));
    }

    private PipelineSpec withChannels(ChannelSpec... channels) {
        return rig.covidUs().withMoreChannels(List.of(channels));
    }

    private static String hmac(String key, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    @Test
    void a_webhook_receives_the_run_json_signed_with_hmac_sha256() throws Exception {
        receiver.script("/hook/ops", SourceServer.status(204));
        PipelineSpec spec = withChannels(webhook("ops", WebhookChannelSpec.Format.JSON, ChannelSpec.DEFAULT_OUTCOMES));
        Run run = rig.run(spec);
        assertThat(rig.dispatcher(spec).settle(run.id(), Duration.ofSeconds(10)))
                .isTrue();

        List<SourceServer.Request> posts = receiver.requests("/hook/ops");
        assertThat(posts).hasSize(1);
        SourceServer.Request post = posts.get(0);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.header("X-Sluice-Signature-256")).isEqualTo(hmac("hmac-key-5678", post.body()));
        assertThat(post.header("X-Sluice-Delivery")).isEqualTo("sluice-covid-us-run-" + run.id() + "-ops");
        JsonNode body = JSON.readTree(post.body());
        assertThat(body.get("runId").asLong()).isEqualTo(run.id());
        assertThat(body.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(body.get("inserted").asLong()).isEqualTo(820);
        assertThat(body.get("sources").get("nyt").get("rows").asLong()).isEqualTo(820);
        assertThat(body.get("changes")).hasSize(10);
        assertThat(body.get("changes").get(0).get("key").get("date").asText()).isEqualTo("2020-01-21");
        assertThat(body.get("warnings").toString()).contains("recovered fell from 6,298,082 to 0 on 2020-12-14");
        assertThat(rig.text("select status || '/' || attempts from sluice.notification_outbox"))
                .hasValue("DELIVERED/1");
    }

    @Test
    void a_webhook_answering_500_is_retried_with_backoff_and_delivered_exactly_once() {
        receiver.script("/hook/ops", SourceServer.status(500), SourceServer.status(502), SourceServer.status(200));
        PipelineSpec spec = withChannels(webhook("ops", WebhookChannelSpec.Format.JSON, ChannelSpec.DEFAULT_OUTCOMES));
        Run run = rig.run(spec);
        NotificationDispatcher dispatcher = rig.dispatcher(spec);

        assertThat(dispatcher.settle(run.id(), Duration.ofSeconds(20))).isTrue();
        assertThat(receiver.requests("/hook/ops")).hasSize(3);
        assertThat(rig.text("select status || '/' || attempts from sluice.notification_outbox"))
                .hasValue("DELIVERED/3");
        assertThat(dispatcher.deliverDue()).isZero();
        assertThat(receiver.requests("/hook/ops")).hasSize(3);
        assertThat(dispatcher.delayAfter(1)).isEqualTo(Duration.ofMillis(50));
        assertThat(dispatcher.delayAfter(2)).isEqualTo(Duration.ofMillis(100));
        assertThat(dispatcher.delayAfter(40)).isEqualTo(Duration.ofMinutes(10));
    }

    /** A clock on a slow machine: every reading is 300 ms after the one before. */
    private static final class SlowClock extends java.time.Clock {
        private final java.util.concurrent.atomic.AtomicLong millis =
                new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis());

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(millis.addAndGet(300));
        }
    }

    /**
     * On a loaded machine the next retry is due before the wait for it is computed: the wait is then none, never a
     * negative one, which Thread.sleep refuses (it failed a Lambda invocation after its run had committed).
     */
    @Test
    void settling_a_run_never_waits_a_negative_time_when_the_next_retry_is_already_due() {
        // A first retry of a second, and 300 ms between readings of the clock: the second wait is computed after its
        // retry fell due.
        TestRig slow = new TestRig(
                dev.sluice.testing.TestDatabase.createDatabase(),
                Map.of("SLUICE_NOTIFY_FIRST_RETRY", "1s"),
                new SlowClock());
        try {
            slow.server
                    .serveFile("/nyt.csv", SharedData.nyt("2022-04-19"))
                    .serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
            receiver.script("/hook/ops", SourceServer.status(500), SourceServer.status(500), SourceServer.status(204));
            PipelineSpec spec = slow.covidUs()
                    .withMoreChannels(
                            List.of(webhook("ops", WebhookChannelSpec.Format.JSON, ChannelSpec.DEFAULT_OUTCOMES)));
            Run run = slow.run(spec);

            assertThat(slow.dispatcher(spec).settle(run.id(), Duration.ofSeconds(30)))
                    .isTrue();
            assertThat(slow.sleeps)
                    .isNotEmpty()
                    .allSatisfy(wait ->
                            assertThat(wait.isNegative()).as("wait " + wait).isFalse());
            assertThat(receiver.requests("/hook/ops")).hasSize(3);
        } finally {
            slow.close();
        }
    }

    @Test
    void a_channel_down_during_the_run_delivers_once_after_a_restart_and_the_load_is_not_affected() {
        receiver.script("/hook/ops", SourceServer.status(503));
        PipelineSpec spec = withChannels(webhook("ops", WebhookChannelSpec.Format.JSON, ChannelSpec.DEFAULT_OUTCOMES));
        Run run = rig.run(spec);
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(rig.dispatcher(spec).settle(run.id(), Duration.ofMillis(300)))
                .isFalse();
        assertThat(rig.text("select status from sluice.notification_outbox")).hasValue("PENDING");
        int failedAttempts = receiver.requests("/hook/ops").size();
        assertThat(failedAttempts).isPositive();

        // The process ends; a new one (new pool, new dispatcher) starts while the channel is back.
        receiver.script("/hook/ops", SourceServer.status(200));
        try (Database restarted = TestDatabase.open(rig.url, rig.home)) {
            NotificationDispatcher next = rig.dispatcher(restarted, spec);
            assertThat(next.settle(run.id(), Duration.ofSeconds(10))).isTrue();
            assertThat(next.deliverDue()).isZero();
        }
        assertThat(receiver.requests("/hook/ops")).hasSize(failedAttempts + 1);
        assertThat(rig.text("select status from sluice.notification_outbox")).hasValue("DELIVERED");
        assertThat(rig.text("select last_error from sluice.notification_outbox"))
                .isEmpty();
    }

    @Test
    void a_failed_run_notifies_the_error_kind_source_line_column_and_value() throws Exception {
        rig.server.script(
                "/nyt.csv",
                SourceServer.body(
                        "date,cases,deaths\n2020-01-21,1,0\n2020-01-22,x,0\n".getBytes(StandardCharsets.UTF_8)));
        receiver.script("/hook/ops", SourceServer.status(200));
        PipelineSpec spec = withChannels(webhook("ops", WebhookChannelSpec.Format.JSON, ChannelSpec.DEFAULT_OUTCOMES));
        Run run = rig.run(spec);
        rig.dispatcher(spec).settle(run.id(), Duration.ofSeconds(10));

        JsonNode error =
                JSON.readTree(receiver.requests("/hook/ops").get(0).body()).get("error");
        assertThat(error.get("kind").asText()).isEqualTo("INVALID_VALUE");
        assertThat(error.get("source").asText()).isEqualTo("nyt");
        assertThat(error.get("line").asLong()).isEqualTo(3);
        assertThat(error.get("column").asText()).isEqualTo("cases");
        assertThat(error.get("value").asText()).isEqualTo("x");
    }

    @Test
    void slack_format_is_a_text_message_with_the_subject_in_bold() throws Exception {
        receiver.script("/hook/slack", SourceServer.status(200));
        PipelineSpec spec =
                withChannels(webhook("slack", WebhookChannelSpec.Format.SLACK, ChannelSpec.DEFAULT_OUTCOMES));
        Run run = rig.run(spec);
        rig.dispatcher(spec).settle(run.id(), Duration.ofSeconds(10));

        JsonNode body = JSON.readTree(receiver.requests("/hook/slack").get(0).body());
        assertThat(body.get("text").asText())
                .startsWith("*[sluice] covid-us SUCCEEDED: 820 inserted, 0 updated, 0 unchanged*\n```")
                .contains("Rows:     820 inserted, 0 updated, 0 unchanged");
    }

    @Test
    void channels_are_told_only_the_outcomes_they_want_and_unchanged_is_quiet_by_default() {
        receiver.script("/hook/all", SourceServer.status(200)).script("/hook/failures", SourceServer.status(200));
        PipelineSpec spec = withChannels(
                webhook("all", WebhookChannelSpec.Format.JSON, ChannelSpec.DEFAULT_OUTCOMES),
                webhook("failures", WebhookChannelSpec.Format.JSON, Set.of(NotifyOn.FAILED)));
        Run first = rig.run(spec);
        Run second = rig.run(spec);
        rig.dispatcher(spec).settle(second.id(), Duration.ofSeconds(10));

        assertThat(second.status()).isEqualTo(RunStatus.UNCHANGED);
        assertThat(receiver.requests("/hook/all")).hasSize(1);
        assertThat(receiver.requests("/hook/failures")).isEmpty();
        assertThat(rig.count("select count(*) from sluice.notification_outbox where run_id = " + first.id()))
                .isEqualTo(1);
        assertThat(rig.count("select count(*) from sluice.notification_outbox where run_id = " + second.id()))
                .isZero();
    }

    @Test
    void email_reaches_every_recipient_with_a_text_and_an_html_part() throws Exception {
        EmailChannelSpec email = new EmailChannelSpec(
                "mail",
                ChannelSpec.DEFAULT_OUTCOMES,
                "127.0.0.1",
                MAIL.getSmtp().getPort(),
                EmailChannelSpec.SmtpTls.NONE,
                Optional.of("etl@example.org"),
                Optional.of(Secret.of("smtp-pass-1234")),
                "sluice@example.org",
                List.of("data-team@example.org", "oncall@example.org"));
        PipelineSpec spec = withChannels(email);
        Run run = rig.run(spec);
        assertThat(rig.dispatcher(spec).settle(run.id(), Duration.ofSeconds(10)))
                .isTrue();

        MimeMessage[] received = MAIL.getReceivedMessages();
        assertThat(received).hasSize(2); // one message, one copy per recipient mailbox
        MimeMessage message = received[0];
        assertThat(message.getSubject()).isEqualTo("[sluice] covid-us SUCCEEDED: 820 inserted, 0 updated, 0 unchanged");
        assertThat(Arrays.stream(message.getRecipients(Message.RecipientType.TO))
                        .map(Object::toString))
                .containsExactly("data-team@example.org", "oncall@example.org");
        assertThat(message.getHeader("Message-ID")[0]).isEqualTo("<sluice-covid-us-run-" + run.id() + "-mail@sluice>");
        MimeMultipart parts = (MimeMultipart) message.getContent();
        assertThat(parts.getContentType()).startsWith("multipart/alternative");
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat((String) parts.getBodyPart(0).getContent())
                .contains("820 inserted, 0 updated, 0 unchanged")
                .contains("INSERT date=2020-01-21: cases 1, deaths 0, recovered NULL");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat((String) parts.getBodyPart(1).getContent()).contains("<th align=\"left\">Inserted</th><td>820</td>");
    }

    @Test
    void sns_publishes_subject_message_and_attributes_through_the_query_protocol() {
        // SNS endpoints are host roots: the SDK posts to "/".
        receiver.script("/", SourceServer.respond(200, "text/xml", SNS_OK));
        SnsChannelSpec sns = new SnsChannelSpec(
                "topic",
                ChannelSpec.DEFAULT_OUTCOMES,
                "arn:aws:sns:us-east-1:123456789012:sluice-runs",
                Optional.of(receiver.url("")),
                Optional.of("us-east-1"));
        PipelineSpec spec = withChannels(sns);
        Run run = rig.run(spec);
        assertThat(rig.dispatcher(spec).settle(run.id(), Duration.ofSeconds(10)))
                .isTrue();

        SourceServer.Request publish = receiver.requests("/").get(0);
        assertThat(publish.header("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/");
        Map<String, String> form = form(publish.bodyText());
        assertThat(form)
                .containsEntry("Action", "Publish")
                .containsEntry("TopicArn", "arn:aws:sns:us-east-1:123456789012:sluice-runs")
                .containsEntry("Subject", "[sluice] covid-us SUCCEEDED: 820 inserted, 0 updated, 0 unchanged");
        assertThat(form.get("Message")).contains("Rows:     820 inserted, 0 updated, 0 unchanged");
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int i = 1; form.containsKey("MessageAttributes.entry." + i + ".Name"); i++) {
            attributes.put(
                    form.get("MessageAttributes.entry." + i + ".Name"),
                    form.get("MessageAttributes.entry." + i + ".Value.DataType") + ":"
                            + form.get("MessageAttributes.entry." + i + ".Value.StringValue"));
        }
        assertThat(attributes)
                .containsEntry("pipeline", "String:covid-us")
                .containsEntry("status", "String:SUCCEEDED")
                .containsEntry("runId", "Number:" + run.id());
    }

    private static Map<String, String> form(String body) {
        return Arrays.stream(body.split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(
                        kv -> URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv -> kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "",
                        (a, b) -> b,
                        LinkedHashMap::new));
    }

    @Test
    void delivery_state_shows_in_the_run_history() throws Exception {
        receiver.script("/hook/ops", SourceServer.status(500));
        PipelineSpec spec = withChannels(webhook("ops", WebhookChannelSpec.Format.JSON, ChannelSpec.DEFAULT_OUTCOMES));
        Run run = rig.run(spec);
        rig.dispatcher(spec).settle(run.id(), Duration.ofMillis(200));

        Run recorded;
        try (java.sql.Connection c = rig.database.connect()) {
            recorded = rig.wiring.history().find(c, run.id()).orElseThrow();
        }
        assertThat(recorded.notifications()).singleElement().satisfies(d -> {
            assertThat(d.channel()).isEqualTo("ops");
            assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(d.attempts()).isPositive();
            assertThat(d.lastError()).hasValue("ops: webhook answered HTTP 500");
        });
    }
}
