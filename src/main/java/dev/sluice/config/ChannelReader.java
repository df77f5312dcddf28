package dev.sluice.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads notification channels: the {@code notifications} list of a pipeline file or of a shared notifications
 * file, and the {@code SLUICE_WEBHOOK_*}, {@code SLUICE_SMTP_*} and {@code SLUICE_SNS_*} variables. Secrets must
 * be {@code {env: NAME}} or {@code {file: PATH}}: a password written inline is an error, because pipeline files
 * are shared, committed and shown.
 */
public final class ChannelReader {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_.-]+");

    private final Trust trust;
    private final SecretReader secrets;

    public ChannelReader(Trust trust) {
        this.trust = trust;
        this.secrets = new SecretReader(trust);
    }

    List<ChannelSpec> read(ConfigNode root) {
        if (!root.has("notifications")) {
            return List.of();
        }
        List<ChannelSpec> channels = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode node : root.list("notifications")) {
            ChannelSpec channel = readChannel(node);
            Optional<String> refusal = trust.transportRefusal(channel);
            if (refusal.isPresent()) {
                throw node.error("channel '" + channel.name() + "' " + refusal.get());
            }
            if (!names.add(channel.name())) {
                throw node.error("name", "two channels are named '" + channel.name() + "'");
            }
            channels.add(channel);
        }
        return channels;
    }

    /** A shared notifications file: a YAML document with a {@code notifications} list, as in pipeline files. */
    public List<ChannelSpec> readFile(Path file) {
        String origin = file.toString();
        String text;
        try {
            ConfigTree.checkSize(origin, java.nio.file.Files.size(file));
            text = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new PipelineConfigException(
                    origin,
                    0,
                    "",
                    "cannot read the notifications file: " + e.getClass().getSimpleName());
        }
        return parseFile(origin, text);
    }

    /** The same from text already read. */
    public List<ChannelSpec> parseFile(String origin, String text) {
        ConfigNode root = ConfigTree.parse(origin, text).root();
        root.allowOnly("notifications");
        return read(root);
    }

    private ChannelSpec readChannel(ConfigNode node) {
        String type = node.text("type").trim().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "email" ->
                email(node.allowOnly("name", "type", "on", "host", "port", "tls", "user", "password", "from", "to"));
            case "webhook" -> webhook(node.allowOnly("name", "type", "on", "url", "format", "signing_key"));
            case "sns" -> sns(node.allowOnly("name", "type", "on", "topic_arn", "endpoint", "region"));
            case "openlineage" -> openLineage(node.allowOnly("name", "type", "on", "url", "api_key", "namespace"));
            default ->
                throw node.error(
                        "type", "unknown channel type '" + type + "'; expected email, webhook, sns or openlineage");
        };
    }

    private static String name(ConfigNode node) {
        String name = node.text("name").trim();
        if (!NAME.matcher(name).matches()) {
            throw node.error("name", "must be lower-case letters, digits, '-' or '_', found '" + name + "'");
        }
        return name;
    }

    private static Set<NotifyOn> outcomes(ConfigNode node) {
        if (!node.has("on")) {
            return ChannelSpec.DEFAULT_OUTCOMES;
        }
        Set<NotifyOn> on = EnumSet.noneOf(NotifyOn.class);
        for (String value : node.textList("on")) {
            try {
                on.add(NotifyOn.valueOf(value.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw node.error(
                        "on",
                        "unknown outcome '" + value + "'; expected succeeded, unchanged, failed, skipped_locked or"
                                + " late");
            }
        }
        return on;
    }

    private Secret secret(ConfigNode node, String field) {
        return secrets.read(node, field);
    }

    private EmailChannelSpec email(ConfigNode node) {
        EmailChannelSpec.SmtpTls tls =
                node.enumValue("tls", EmailChannelSpec.SmtpTls.class, EmailChannelSpec.SmtpTls.STARTTLS);
        int defaultPort = switch (tls) {
            case NONE -> 25;
            case STARTTLS -> 587;
            case TLS -> 465;
        };
        Optional<Secret> password = node.has("password") ? Optional.of(secret(node, "password")) : Optional.empty();
        Optional<String> user = node.optionalText("user").map(String::trim);
        if (password.isPresent() && user.isEmpty()) {
            throw node.error("password", "needs a user");
        }
        List<String> to = node.textList("to").stream().map(String::trim).toList();
        to.forEach(address -> requireAddress(node, "to", address));
        String from = node.text("from").trim();
        requireAddress(node, "from", from);
        return new EmailChannelSpec(
                name(node),
                outcomes(node),
                node.text("host").trim(),
                node.integer("port", defaultPort, 1, 65535),
                tls,
                user,
                password,
                from,
                to);
    }

    private static void requireAddress(ConfigNode node, String field, String address) {
        if (!address.matches("[^@\\s]+@[^@\\s]+")) {
            throw node.error(field, "'" + address + "' is not an email address");
        }
    }

    /** Lineage follows every run, whatever its outcome, unless the file says otherwise; never a feed's lateness. */
    private OpenLineageChannelSpec openLineage(ConfigNode node) {
        Secret url = secret(node, "url");
        requireHttpUrl(node, "url", url.reveal());
        Set<NotifyOn> on = node.has("on")
                ? outcomes(node)
                : EnumSet.of(NotifyOn.SUCCEEDED, NotifyOn.UNCHANGED, NotifyOn.FAILED, NotifyOn.SKIPPED_LOCKED);
        if (on.contains(NotifyOn.LATE)) {
            throw node.error("on", "late is a feed's transition, not a run: OpenLineage has no event for it");
        }
        String namespace = node.optionalText("namespace").map(String::trim).orElse("sluice");
        return new OpenLineageChannelSpec(
                name(node),
                on,
                url,
                node.has("api_key") ? Optional.of(secret(node, "api_key")) : Optional.empty(),
                namespace);
    }

    private WebhookChannelSpec webhook(ConfigNode node) {
        Secret url = secret(node, "url");
        requireHttpUrl(node, "url", url.reveal());
        return new WebhookChannelSpec(
                name(node),
                outcomes(node),
                url,
                node.enumValue("format", WebhookChannelSpec.Format.class, WebhookChannelSpec.Format.JSON),
                node.has("signing_key") ? Optional.of(secret(node, "signing_key")) : Optional.empty());
    }

    private static void requireHttpUrl(ConfigNode node, String field, String url) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                throw new URISyntaxException("(hidden)", "not an http(s) URL");
            }
        } catch (URISyntaxException e) {
            // Never echo the URL: it may be a credential.
            throw node.error(field, "is not an http(s) URL");
        }
    }

    private static SnsChannelSpec sns(ConfigNode node) {
        String arn = node.text("topic_arn").trim();
        if (!ARN.matcher(arn).matches()) {
            throw node.error("topic_arn", "'" + arn + "' is not an SNS topic ARN");
        }
        Optional<URI> endpoint = node.optionalText("endpoint").map(String::trim).map(text -> {
            requireHttpUrl(node, "endpoint", text);
            return URI.create(text);
        });
        return new SnsChannelSpec(
                name(node),
                outcomes(node),
                arn,
                endpoint,
                node.optionalText("region").map(String::trim));
    }
}
