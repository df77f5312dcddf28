package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Trust;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.testing.Packing;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import dev.sluice.testing.TestRig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code s3://} sources through the real AWS SDK client against a loopback endpoint that answers GetObject as S3
 * documents it: path-style {@code GET /BUCKET/KEY}, a quoted ETag, 304 to a matching {@code If-None-Match}, and
 * errors as {@code <Error><Code>...} XML. The request is signed (SigV4) with the credentials sluice was given.
 */
class S3SourceIT {
    private static final Clock MARCH_3 = Clock.fixed(Instant.parse("2021-03-03T12:00:00Z"), ZoneOffset.UTC);
    private static final String PIPELINE = """
            name: s3feed
            sources:
              - name: readings
                url: %s
                %s
                key: [station, day]
                columns:
                  - { header: station }
                  - { header: day, type: date }
                  - { header: value, type: double }
            target: { table: readings }
            """;

    private final SourceServer s3 = new SourceServer();
    private TestRig rig;

    @BeforeEach
    void start() {
        rig = new TestRig(
                TestDatabase.createDatabase(),
                Map.of("SLUICE_S3_ENDPOINT", s3.url("").toString(), "AWS_REGION", "eu-west-1"),
                MARCH_3);
    }

    @AfterEach
    void stop() {
        rig.close();
        s3.close();
    }

    private PipelineSpec spec(String url, String more) {
        return TestRig.withFastFetch(new PipelineFileReader(Trust.none())
                .parse("s3feed.yaml", PIPELINE.formatted(url, more), Optional.empty()));
    }

    @Test
    void an_object_loads_and_its_etag_makes_the_next_run_unchanged() {
        byte[] body = Packing.gzip("station,day,value\nA,2021-03-01,1.5\nB,2021-03-01,2.5\n");
        s3.script("/feeds/readings/2021-03-01.csv.gz", object(body));
        PipelineSpec spec = spec("s3://feeds/readings/2021-03-01.csv.gz", "");

        Run first = rig.run(spec);
        assertThat(first.status()).as(message(first)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(first.inserted()).isEqualTo(2);
        assertThat(first.sources().get("readings").etag()).isEqualTo(etag(body));

        Run second = rig.run(spec);
        assertThat(second.status()).isEqualTo(RunStatus.UNCHANGED);
        assertThat(second.sources().get("readings").notModified()).isTrue();
        SourceServer.Request conditional =
                s3.requests("/feeds/readings/2021-03-01.csv.gz").get(1);
        assertThat(conditional.method()).isEqualTo("GET");
        assertThat(conditional.header("If-None-Match")).isEqualTo(etag(body));
        assertThat(conditional.header("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/")
                .contains("/eu-west-1/s3/aws4_request")
                .doesNotContain(TestRig.AWS_SECRET_KEY);
    }

    @Test
    void a_template_over_objects_skips_a_missing_key_and_access_denied_fails() {
        s3.script("/feeds/2021-03-01.csv", object(utf8("station,day,value\nA,2021-03-01,1\n")));
        s3.script("/feeds/2021-03-02.csv", error(404, "NoSuchKey"));
        s3.script("/feeds/2021-03-03.csv", object(utf8("station,day,value\nA,2021-03-03,3\n")));
        Run run = rig.run(spec("s3://feeds/{date:yyyy-MM-dd}.csv", "dates: { last: 3 }\n    missing: skip"));
        assertThat(run.status()).as(message(run)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.inserted()).isEqualTo(2);
        assertThat(run.warnings()).anySatisfy(w -> assertThat(w).contains("2021-03-02.csv"));

        s3.script("/feeds/denied.csv", error(403, "AccessDenied"));
        Run denied = rig.run(spec("s3://feeds/denied.csv", ""));
        RunError error = denied.error().orElseThrow();
        assertThat(error.kind()).isEqualTo(ErrorKind.SOURCE_UNAVAILABLE);
        assertThat(error.message()).contains("s3://feeds/denied.csv").contains("S3 403 AccessDenied");
    }

    /** GetObject: 200 with a quoted ETag, or 304 when If-None-Match names it. */
    private static SourceServer.Step object(byte[] body) {
        String etag = etag(body);
        return exchange -> {
            exchange.getResponseHeaders().set("ETag", etag);
            exchange.getResponseHeaders().set("Content-Type", "binary/octet-stream");
            exchange.getResponseHeaders().set("x-amz-request-id", "loopback");
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        };
    }

    /** An S3 error: its status, and its code in the XML body. */
    private static SourceServer.Step error(int status, String code) {
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + code
                        + "</Message><RequestId>loopback</RequestId></Error>")
                .getBytes(StandardCharsets.UTF_8);
        return exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/xml");
            exchange.sendResponseHeaders(status, xml.length);
            exchange.getResponseBody().write(xml);
        };
    }

    private static String etag(byte[] body) {
        try {
            return "\""
                    + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body)) + "\"";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String message(Run run) {
        return run.error().map(RunError::message).orElse("");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
