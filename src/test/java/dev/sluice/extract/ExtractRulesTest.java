package dev.sluice.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.ErrorKind;
import dev.sluice.config.FetchSettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExtractRulesTest {

    @Test
    void backoff_doubles_up_to_the_maximum_with_half_of_it_random() {
        FetchSettings settings = FetchSettings.DEFAULTS
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1))
                .withRetries(10, Duration.ofMillis(1000), Duration.ofMillis(8000), Duration.ofMinutes(1))
                .withMaxBytes(1);
        Backoff backoff = new Backoff(settings, new Random(1));
        long[][] bounds = {{500, 1000}, {1000, 2000}, {2000, 4000}, {4000, 8000}, {4000, 8000}, {4000, 8000}};
        for (int attempt = 1; attempt <= bounds.length; attempt++) {
            long delay = backoff.delay(attempt, Optional.empty()).toMillis();
            assertThat(delay).as("attempt " + attempt).isBetween(bounds[attempt - 1][0], bounds[attempt - 1][1]);
        }
        assertThat(backoff.delay(40, Optional.empty()).toMillis()).isBetween(4000L, 8000L);
        assertThat(backoff.delay(2, Optional.of(Duration.ofSeconds(42)))).isEqualTo(Duration.ofSeconds(42));
    }

    @Test
    void urls_lose_their_credentials_and_secret_looking_query_values() {
        assertThat(UrlRedactor.redact(URI.create("https://user:pa55@example.org/a.csv?token=abc&x=1&api_key=k")))
                .isEqualTo("https://***@example.org/a.csv?token=***&x=1&api_key=***");
        assertThat(UrlRedactor.redact(URI.create("https://example.org/a.csv?Signature=s&date=2020")))
                .isEqualTo("https://example.org/a.csv?Signature=***&date=2020");
        assertThat(UrlRedactor.redact(URI.create("https://example.org/us.csv")))
                .isEqualTo("https://example.org/us.csv");
    }

    private static SourceRejectedException sniff(String body, String contentType) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return catchThrowableOfType(SourceRejectedException.class, () -> {
            BodySniffer.checkContentType("nyt", java.util.Optional.ofNullable(contentType));
            BodySniffer.check("nyt", dev.sluice.config.CsvFormat.Syntax.CSV, bytes.length, bytes, bytes.length);
        });
    }

    @Test
    void html_empty_and_utf16_bodies_are_rejected_before_parsing() {
        // The kind and the size, never what the page says: it may be anything a server answered.
        assertThat(sniff("  \n<!DOCTYPE html><html>", "text/plain").getMessage())
                .isEqualTo("nyt: the body is HTML (or other markup), not CSV: 24 bytes");
        assertThat(sniff("date,cases\n", "text/html; charset=utf-8").getMessage())
                .contains("Content-Type text/html");
        assertThat(sniff("", null).getMessage()).contains("empty");
        SourceRejectedException utf16 = catchThrowableOfType(
                SourceRejectedException.class,
                () -> BodySniffer.check(
                        "nyt",
                        dev.sluice.config.CsvFormat.Syntax.CSV,
                        4,
                        new byte[] {(byte) 0xFF, (byte) 0xFE, 'd', 0},
                        4));
        assertThat(utf16.getMessage()).contains("UTF-16");
        assertThat(utf16.kind()).isEqualTo(ErrorKind.NOT_CSV);
        assertThat(sniff("\uFEFFdate,cases\n2020-01-01,1\n", "text/csv")).isNull();
    }
}
