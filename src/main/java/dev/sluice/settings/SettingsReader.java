package dev.sluice.settings;

import dev.sluice.SluiceException;
import dev.sluice.config.AllowedNetworks;
import dev.sluice.config.AwsSecretLookup;
import dev.sluice.config.ChannelSpec;
import dev.sluice.config.EmailChannelSpec;
import dev.sluice.config.Secret;
import dev.sluice.config.SnsChannelSpec;
import dev.sluice.config.Trust;
import dev.sluice.config.Units;
import dev.sluice.config.WebhookChannelSpec;
import dev.sluice.db.DatabaseSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reads {@link Settings} from the environment, one typed accessor per kind of value, each naming its variable. */
final class SettingsReader {
    private final Map<String, String> env;

    SettingsReader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    Settings read(Path userHome, Path javaTemp) {
        Path home = path(Setting.HOME).orElse(userHome.resolve(".sluice"));
        DatabaseSettings database;
        try {
            database = new DatabaseSettings(
                    text(Setting.DB_URL),
                    text(Setting.DB_USER),
                    secret(Setting.DB_PASSWORD),
                    home.resolve("pg"),
                    integer(Setting.DB_POOL_SIZE, 10, 2, 200),
                    positive(Setting.DB_CONNECT_TIMEOUT, Duration.ofSeconds(10)));
        } catch (SettingsException e) {
            throw e;
        } catch (SluiceException e) {
            throw new SettingsException(Setting.DB_URL.variable(), e.getMessage());
        }
        Trust trust = trust();
        Settings.Runs runs = new Settings.Runs(
                positive(Setting.LOCK_TIMEOUT, Duration.ofMinutes(1)),
                path(Setting.TMPDIR).orElse(javaTemp),
                networks(),
                s3Endpoint(),
                choice(Setting.COMPARE, Settings.Compare.class).orElse(Settings.Compare.DIGEST));
        Settings.Notifications notifications = new Settings.Notifications(
                duration(Setting.NOTIFY_TIMEOUT, Duration.ofSeconds(30)),
                positive(Setting.NOTIFY_FIRST_RETRY, Duration.ofSeconds(2)),
                positive(Setting.CHANNEL_TIMEOUT, Duration.ofSeconds(10)),
                positive(Setting.DELIVERY_INTERVAL, Duration.ofSeconds(15)),
                path(Setting.NOTIFICATIONS_FILE),
                channels(trust));
        Settings.Serve serve = new Settings.Serve(
                positive(Setting.SHUTDOWN_TIMEOUT, Duration.ofSeconds(60)),
                secret(Setting.API_TOKEN),
                secret(Setting.READER_PASSWORD),
                list(Setting.ALLOWED_HOSTS),
                // A run holds one connection; delivery, the scheduler's polling and its heartbeats need the rest.
                integer(Setting.MAX_CONCURRENT_RUNS, Math.max(1, database.poolSize() - 3), 1, 1_000),
                positive(Setting.RELOAD_INTERVAL, Duration.ofSeconds(10)),
                positive(Setting.FRESHNESS_INTERVAL, Duration.ofMinutes(5)));
        Settings.Aws aws = new Settings.Aws(
                text(Setting.DB_SECRET_ARN),
                text(Setting.READER_SECRET_ARN),
                endpoint(Setting.SECRETS_MANAGER_ENDPOINT),
                list(Setting.PIPELINES).isEmpty() ? List.of("covid-us") : list(Setting.PIPELINES));
        List<String> warnings = warnings();
        Optional<Tracing> tracing = Tracing.from(env, warnings);
        return new Settings(
                home,
                database,
                runs,
                notifications,
                serve,
                aws,
                trust,
                choice(Setting.LOG_LEVEL, Settings.LogLevel.class),
                tracing,
                env,
                warnings);
    }

    /** What files may read: the variables and directories the operator lends them, and plaintext hosts. */
    private Trust trust() {
        Set<String> lent = new LinkedHashSet<>(list(Setting.SECRET_ENV));
        for (String variable : lent) {
            if (Trust.isOwnSetting(variable)) {
                throw bad(
                        Setting.SECRET_ENV,
                        variable + " is one of sluice's own settings and is never lent to" + " pipeline files");
            }
            if (!variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw bad(Setting.SECRET_ENV, "'" + variable + "' is not an environment variable's name");
            }
        }
        Map<String, String> lentValues = new java.util.HashMap<>();
        lent.forEach(name -> Optional.ofNullable(env.get(name)).ifPresent(value -> lentValues.put(name, value)));
        return new Trust(
                paths(Setting.FILE_ROOTS),
                lent,
                lentValues,
                paths(Setting.SECRET_DIRS),
                Set.copyOf(list(Setting.PLAINTEXT_HOSTS)),
                Set.copyOf(list(Setting.SECRET_ARNS)),
                AwsSecretLookup.NONE);
    }

    private Optional<URI> s3Endpoint() {
        return endpoint(Setting.S3_ENDPOINT);
    }

    /** An AWS service's endpoint other than AWS's own: an http(s) URL. */
    private Optional<URI> endpoint(Setting setting) {
        Optional<String> text = text(setting);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI endpoint = new URI(text.get());
            if (endpoint.getHost() == null
                    || !(endpoint.getScheme().equals("https")
                            || endpoint.getScheme().equals("http"))) {
                throw bad(setting, "expected an http(s) URL such as http://127.0.0.1:9000");
            }
            return Optional.of(endpoint);
        } catch (URISyntaxException e) {
            throw bad(setting, "not a URL: " + e.getReason());
        }
    }

    private AllowedNetworks networks() {
        List<AllowedNetworks.Range> ranges = new ArrayList<>();
        for (String range : list(Setting.ALLOW_NETWORKS)) {
            try {
                ranges.add(AllowedNetworks.parse(range));
            } catch (IllegalArgumentException e) {
                throw bad(Setting.ALLOW_NETWORKS, e.getMessage());
            }
        }
        return new AllowedNetworks(ranges);
    }

    /** A comma-separated list, its items trimmed, empty ones dropped. */
    private List<String> list(Setting setting) {
        return text(setting)
                .map(text -> Arrays.stream(text.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList())
                .orElse(List.of());
    }

    private Optional<String> text(Setting setting) {
        return Optional.ofNullable(env.get(setting.variable()))
                .map(String::trim)
                .filter(s -> !s.isEmpty());
    }

    private SettingsException bad(Setting setting, String problem) {
        return new SettingsException(setting.variable(), problem);
    }

    /** The value, or the content of the file {@code VARIABLE_FILE} names (its trailing newline removed). */
    private Optional<Secret> secret(Setting setting) {
        String direct = env.get(setting.variable());
        String file = env.get(setting.variable() + "_FILE");
        boolean hasDirect = direct != null && !direct.isEmpty();
        boolean hasFile = file != null && !file.isBlank();
        if (hasDirect && hasFile) {
            throw bad(setting, "set it or " + setting.variable() + "_FILE, not both");
        }
        if (hasDirect) {
            return Optional.of(Secret.of(direct));
        }
        if (!hasFile) {
            return Optional.empty();
        }
        try {
            return Optional.of(Secret.fromFile(Path.of(file.trim())));
        } catch (IOException | InvalidPathException e) {
            // The file's name is not secret; its content would be, and is never read into a message.
            throw new SettingsException(
                    setting.variable() + "_FILE",
                    "cannot read the secret file " + file.trim() + ": "
                            + e.getClass().getSimpleName());
        }
    }

    private Optional<Path> path(Setting setting) {
        return text(setting).map(text -> {
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw bad(setting, "not a valid path: '" + text + "'");
            }
        });
    }

    private List<Path> paths(Setting setting) {
        return text(setting)
                .map(text -> Arrays.stream(text.split(":"))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .map(p -> {
                            try {
                                return Path.of(p);
                            } catch (InvalidPathException e) {
                                throw bad(setting, "not a valid path: '" + p + "'");
                            }
                        })
                        .toList())
                .orElse(List.of());
    }

    private Duration duration(Setting setting, Duration defaultValue) {
        return text(setting)
                .map(text -> Units.duration(text)
                        .orElseThrow(() -> bad(
                                setting,
                                "expected a duration such as " + Units.DURATION_EXAMPLES + ", found '" + text + "'")))
                .orElse(defaultValue);
    }

    private Duration positive(Setting setting, Duration defaultValue) {
        Duration value = duration(setting, defaultValue);
        if (value.isZero()) {
            throw bad(setting, "must be longer than zero");
        }
        return value;
    }

    private int integer(Setting setting, int defaultValue, int min, int max) {
        Optional<String> text = text(setting);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below with the range.
        }
        throw bad(setting, "expected a whole number from " + min + " to " + max + ", found '" + text.get() + "'");
    }

    private <E extends Enum<E>> Optional<E> choice(Setting setting, Class<E> type) {
        return text(setting).map(text -> {
            try {
                return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw bad(
                        setting,
                        "expected one of "
                                + Arrays.stream(type.getEnumConstants())
                                        .map(c -> c.name().toLowerCase(Locale.ROOT))
                                        .toList()
                                + ", found '" + text + "'");
            }
        });
    }

    /** Channels configured by environment variables alone, for containers; none when none is set. */
    private List<ChannelSpec> channels(Trust trust) {
        List<ChannelSpec> channels = new ArrayList<>();
        Optional<Secret> webhook = secret(Setting.WEBHOOK_URL);
        if (webhook.isPresent()) {
            requireHttpUrl(Setting.WEBHOOK_URL, webhook.get().reveal());
            WebhookChannelSpec.Format format = choice(Setting.WEBHOOK_FORMAT, WebhookChannelSpec.Format.class)
                    .orElse(WebhookChannelSpec.Format.JSON);
            channels.add(new WebhookChannelSpec(
                    "env-webhook",
                    ChannelSpec.DEFAULT_OUTCOMES,
                    webhook.get(),
                    format,
                    secret(Setting.WEBHOOK_SECRET)));
        }
        Optional<String> host = text(Setting.SMTP_HOST);
        if (host.isPresent()) {
            channels.add(email(host.get()));
        }
        Optional<String> arn = text(Setting.SNS_TOPIC_ARN);
        if (arn.isPresent()) {
            Optional<URI> endpoint = text(Setting.SNS_ENDPOINT).map(text -> {
                requireHttpUrl(Setting.SNS_ENDPOINT, text);
                return URI.create(text);
            });
            channels.add(
                    new SnsChannelSpec("env-sns", ChannelSpec.DEFAULT_OUTCOMES, arn.get(), endpoint, Optional.empty()));
        }
        for (ChannelSpec channel : channels) {
            trust.transportRefusal(channel).ifPresent(why -> {
                throw new SettingsException(channelVariable(channel), "channel " + channel.name() + " " + why);
            });
        }
        return channels;
    }

    private static String channelVariable(ChannelSpec channel) {
        return switch (channel.name()) {
            case "env-webhook" -> Setting.WEBHOOK_URL.variable();
            case "env-email" -> Setting.SMTP_TLS.variable();
            default -> Setting.SNS_ENDPOINT.variable();
        };
    }

    private EmailChannelSpec email(String host) {
        EmailChannelSpec.SmtpTls tls =
                choice(Setting.SMTP_TLS, EmailChannelSpec.SmtpTls.class).orElse(EmailChannelSpec.SmtpTls.STARTTLS);
        int defaultPort = switch (tls) {
            case NONE -> 25;
            case STARTTLS -> 587;
            case TLS -> 465;
        };
        Optional<String> from = text(Setting.SMTP_FROM);
        Optional<String> to = text(Setting.SMTP_TO);
        if (from.isEmpty() || to.isEmpty()) {
            throw bad(
                    Setting.SMTP_HOST,
                    Setting.SMTP_FROM.variable() + " and " + Setting.SMTP_TO.variable() + " are needed with "
                            + Setting.SMTP_HOST.variable());
        }
        Optional<String> user = text(Setting.SMTP_USER);
        Optional<Secret> password = secret(Setting.SMTP_PASSWORD);
        if (password.isPresent() && user.isEmpty()) {
            throw bad(Setting.SMTP_PASSWORD, "needs " + Setting.SMTP_USER.variable());
        }
        return new EmailChannelSpec(
                "env-email",
                ChannelSpec.DEFAULT_OUTCOMES,
                host,
                integer(Setting.SMTP_PORT, defaultPort, 1, 65535),
                tls,
                user,
                password,
                from.get(),
                Arrays.stream(to.get().split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList());
    }

    private void requireHttpUrl(Setting setting, String url) {
        try {
            URI uri = new URI(url.trim());
            if (uri.getScheme() != null && uri.getScheme().matches("https?") && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // Reported below without the value: it may be a credential.
        }
        throw bad(setting, "is not an http(s) URL");
    }

    /** One warning per {@code SLUICE_*} variable sluice does not know, with the nearest known name. */
    private List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith("SLUICE_") && Setting.of(name).isEmpty()) {
                warnings.add(name + " is not a sluice setting"
                        + Setting.nearest(name)
                                .map(known -> "; did you mean " + known + "?")
                                .orElse(" (see the README's table of settings)"));
            }
        }
        return warnings;
    }
}
