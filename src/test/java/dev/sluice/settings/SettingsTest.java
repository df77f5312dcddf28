package dev.sluice.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.ErrorKind;
import dev.sluice.config.ChannelSpec;
import dev.sluice.config.EmailChannelSpec;
import dev.sluice.config.SnsChannelSpec;
import dev.sluice.config.WebhookChannelSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    private static final Path USER_HOME = Path.of("/home/someone");
    private static final Path TEMP = Path.of("/var/tmp");

    private static Settings read(Map<String, String> env) {
        return Settings.read(env, USER_HOME, TEMP);
    }

    private static SettingsException failure(Map<String, String> env) {
        return catchThrowableOfType(SettingsException.class, () -> read(env));
    }

    @Test
    void without_any_variable_every_default_applies() {
        Settings settings = read(Map.of());
        assertThat(settings.home()).isEqualTo(USER_HOME.resolve(".sluice"));
        assertThat(settings.database().jdbcUrl()).isEmpty();
        assertThat(settings.database().embeddedDirectory())
                .isEqualTo(USER_HOME.resolve(".sluice").resolve("pg"));
        assertThat(settings.database().poolSize()).isEqualTo(10);
        assertThat(settings.database().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.runs().lockTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.runs().tempDirectory()).isEqualTo(TEMP);
        assertThat(settings.notifications().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.notifications().firstRetry()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.notifications().channelTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.notifications().deliveryInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(settings.serve().shutdownTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.serve().apiToken()).isEmpty();
        assertThat(settings.logLevel()).isEmpty();
        assertThat(settings.notifications().environmentChannels()).isEmpty();
        assertThat(settings.warnings()).isEmpty();
    }

    @Test
    void values_are_typed_and_validated() {
        Settings settings = read(Map.of(
                "SLUICE_HOME",
                "/srv/sluice",
                "SLUICE_LOCK_TIMEOUT",
                "90s",
                "SLUICE_DB_POOL_SIZE",
                "4",
                "SLUICE_FILE_ROOTS",
                "/data/a: /data/b:",
                "SLUICE_LOG_LEVEL",
                "debug",
                "SLUICE_API_TOKEN",
                "t0ken"));
        assertThat(settings.home()).isEqualTo(Path.of("/srv/sluice"));
        assertThat(settings.runs().lockTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(settings.database().poolSize()).isEqualTo(4);
        assertThat(settings.trust().fileRoots()).containsExactly(Path.of("/data/a"), Path.of("/data/b"));
        assertThat(settings.logLevel()).hasValue(Settings.LogLevel.DEBUG);
        assertThat(settings.serve().apiToken().orElseThrow().reveal()).isEqualTo("t0ken");
        assertThat(settings.serve().apiToken().orElseThrow()).hasToString("***");
    }

    @Test
    void a_bad_value_is_a_configuration_error_naming_the_variable() {
        SettingsException pool = failure(Map.of("SLUICE_DB_POOL_SIZE", "ten"));
        assertThat(pool.kind()).isEqualTo(ErrorKind.CONFIG);
        assertThat(pool.getMessage())
                .isEqualTo("SLUICE_DB_POOL_SIZE: expected a whole number from 2 to 200, found" + " 'ten'");
        assertThat(failure(Map.of("SLUICE_LOCK_TIMEOUT", "soon")).getMessage())
                .isEqualTo("SLUICE_LOCK_TIMEOUT: expected a duration such as 500ms, 10s, 2m, 1h or 3d, found 'soon'");
        assertThat(failure(Map.of("SLUICE_SHUTDOWN_TIMEOUT", "0s")).getMessage())
                .isEqualTo("SLUICE_SHUTDOWN_TIMEOUT: must be longer than zero");
        assertThat(failure(Map.of("SLUICE_LOG_LEVEL", "loud")).getMessage())
                .startsWith("SLUICE_LOG_LEVEL: expected one of [error, warn, info, debug, trace]");
        assertThat(failure(Map.of("SLUICE_WEBHOOK_URL", "ftp://secret-host/x")).getMessage())
                .isEqualTo("SLUICE_WEBHOOK_URL: is not an http(s) URL");
        assertThat(failure(Map.of("SLUICE_DB_PASSWORD", "a", "SLUICE_DB_PASSWORD_FILE", "/run/x"))
                        .getMessage())
                .isEqualTo("SLUICE_DB_PASSWORD: set it or SLUICE_DB_PASSWORD_FILE, not both");
    }

    @Test
    void what_files_may_read_is_lent_by_name_and_sluice_s_own_settings_never() {
        Settings settings = read(Map.of(
                "SLUICE_SECRET_ENV", "SMTP_PASSWORD, SLACK_URL",
                "SMTP_PASSWORD", "pw",
                "OTHER_SECRET", "not-lent",
                "SLUICE_SECRET_DIRS", "/run/secrets",
                "SLUICE_PLAINTEXT_HOSTS", "127.0.0.1,localhost",
                "SLUICE_ALLOW_NETWORKS", "10.0.0.0/8, fd00::/8",
                "SLUICE_ALLOWED_HOSTS", "sluice.example.org"));
        assertThat(settings.trust().lentVariables()).containsExactlyInAnyOrder("SMTP_PASSWORD", "SLACK_URL");
        assertThat(settings.trust().environment()).isEqualTo(Map.of("SMTP_PASSWORD", "pw"));
        assertThat(settings.trust().secretDirectories()).containsExactly(Path.of("/run/secrets"));
        assertThat(settings.trust().plaintextHosts()).containsExactlyInAnyOrder("127.0.0.1", "localhost");
        assertThat(settings.runs().allowedNetworks().ranges()).hasSize(2);
        assertThat(settings.serve().allowedHosts()).containsExactly("sluice.example.org");

        assertThat(failure(Map.of("SLUICE_SECRET_ENV", "SMTP_PASSWORD,SLUICE_DB_PASSWORD"))
                        .getMessage())
                .isEqualTo("SLUICE_SECRET_ENV: SLUICE_DB_PASSWORD is one of sluice's own settings and is never lent"
                        + " to pipeline files");
        assertThat(failure(Map.of("SLUICE_ALLOW_NETWORKS", "intranet")).getMessage())
                .startsWith("SLUICE_ALLOW_NETWORKS: 'intranet' is not an address or range");
        assertThat(failure(Map.of("SLUICE_ALLOW_NETWORKS", "10.0.0.0/33")).getMessage())
                .startsWith("SLUICE_ALLOW_NETWORKS: '10.0.0.0/33' has no valid prefix length");
    }

    @Test
    void an_environment_channel_sends_its_credential_over_tls_unless_the_host_is_allowed_plaintext() {
        Map<String, String> smtp = Map.of(
                "SLUICE_SMTP_HOST", "mail.example.org",
                "SLUICE_SMTP_TLS", "none",
                "SLUICE_SMTP_USER", "etl",
                "SLUICE_SMTP_PASSWORD", "smtp-pass-Wx09",
                "SLUICE_SMTP_FROM", "s@example.org",
                "SLUICE_SMTP_TO", "a@example.org");
        SettingsException e = failure(smtp);
        assertThat(e.getMessage())
                .startsWith("SLUICE_SMTP_TLS: channel env-email sends its SMTP password without TLS to"
                        + " mail.example.org")
                .doesNotContain("smtp-pass-Wx09");
        Map<String, String> allowed = new LinkedHashMap<>(smtp);
        allowed.put("SLUICE_PLAINTEXT_HOSTS", "mail.example.org");
        assertThat(read(allowed).notifications().environmentChannels()).hasSize(1);
        assertThat(failure(Map.of("SLUICE_WEBHOOK_URL", "http://hooks.example.org/secret-path"))
                        .getMessage())
                .isEqualTo("SLUICE_WEBHOOK_URL: channel env-webhook sends its URL, a credential over plain http to"
                        + " hooks.example.org; use https (or the operator allows plaintext to that host in"
                        + " SLUICE_PLAINTEXT_HOSTS)");
    }

    @Test
    void a_secret_file_is_read_and_its_content_never_shown(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("db-password");
        Files.writeString(file, "s3cret-from-file\n");
        Settings settings = read(Map.of("SLUICE_DB_PASSWORD_FILE", file.toString()));
        assertThat(settings.database().password().orElseThrow().reveal()).isEqualTo("s3cret-from-file");
        SettingsException missing = failure(
                Map.of("SLUICE_READER_PASSWORD_FILE", dir.resolve("none").toString()));
        assertThat(missing.getMessage()).startsWith("SLUICE_READER_PASSWORD_FILE: cannot read the secret file");
    }

    @Test
    void an_unknown_variable_is_a_warning_that_suggests_the_nearest_known_name() {
        Settings settings =
                read(Map.of("SLUICE_DB_PASWORD", "x", "SLUICE_LOCK_TIMOUT", "1m", "SLUICE_XYZZY", "1", "PATH", "/bin"));
        assertThat(settings.warnings())
                .containsExactly(
                        "SLUICE_DB_PASWORD is not a sluice setting; did you mean SLUICE_DB_PASSWORD?",
                        "SLUICE_LOCK_TIMOUT is not a sluice setting; did you mean SLUICE_LOCK_TIMEOUT?",
                        "SLUICE_XYZZY is not a sluice setting (see the README's table of settings)");
    }

    @Test
    void every_channel_can_be_configured_from_the_environment_alone() {
        List<ChannelSpec> channels = read(Map.ofEntries(
                        Map.entry("SLUICE_WEBHOOK_URL", "https://hooks.example.org/x"),
                        Map.entry("SLUICE_WEBHOOK_FORMAT", "slack"),
                        Map.entry("SLUICE_WEBHOOK_SECRET", "k"),
                        Map.entry("SLUICE_SMTP_HOST", "smtp.example.org"),
                        Map.entry("SLUICE_SMTP_TLS", "tls"),
                        Map.entry("SLUICE_SMTP_USER", "etl"),
                        Map.entry("SLUICE_SMTP_PASSWORD", "pw"),
                        Map.entry("SLUICE_SMTP_FROM", "sluice@example.org"),
                        Map.entry("SLUICE_SMTP_TO", "a@example.org, b@example.org"),
                        Map.entry("SLUICE_SNS_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:t"),
                        Map.entry("SLUICE_SNS_ENDPOINT", "http://localhost:4566"),
                        Map.entry("SLUICE_PLAINTEXT_HOSTS", "localhost")))
                .notifications()
                .environmentChannels();

        assertThat(channels).extracting(ChannelSpec::name).containsExactly("env-webhook", "env-email", "env-sns");
        WebhookChannelSpec webhook = (WebhookChannelSpec) channels.get(0);
        assertThat(webhook.format()).isEqualTo(WebhookChannelSpec.Format.SLACK);
        assertThat(webhook.signingKey().orElseThrow().reveal()).isEqualTo("k");
        EmailChannelSpec email = (EmailChannelSpec) channels.get(1);
        assertThat(email.port()).isEqualTo(465);
        assertThat(email.to()).containsExactly("a@example.org", "b@example.org");
        assertThat(((SnsChannelSpec) channels.get(2)).endpoint().orElseThrow()).hasToString("http://localhost:4566");
        assertThat(Set.copyOf(channels.stream().map(ChannelSpec::on).toList()))
                .containsExactly(ChannelSpec.DEFAULT_OUTCOMES);
        assertThat(failure(Map.of("SLUICE_SMTP_HOST", "smtp.example.org")).getMessage())
                .isEqualTo("SLUICE_SMTP_HOST: SLUICE_SMTP_FROM and SLUICE_SMTP_TO are needed with SLUICE_SMTP_HOST");
    }

    /** The README's table of settings lists exactly the known variables, each with the default this enum gives. */
    @Test
    void the_readme_documents_every_setting_with_its_default() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        Pattern row = Pattern.compile(
                "^\\| `(SLUICE_[A-Z0-9_]+)`(?:, `SLUICE_[A-Z0-9_]+`)* \\| ([^|]*) \\|", Pattern.MULTILINE);
        Map<String, String> documented = new LinkedHashMap<>();
        Matcher m = row.matcher(readme.substring(readme.indexOf("### Settings")));
        while (m.find()) {
            documented.put(m.group(1), m.group(2).strip());
        }
        Map<String, String> known = new LinkedHashMap<>();
        Arrays.stream(Setting.values()).forEach(s -> known.put(s.variable(), s.defaultText()));
        assertThat(documented).isEqualTo(known);
    }
}
