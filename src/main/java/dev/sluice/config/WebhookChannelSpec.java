package dev.sluice.config;

import java.util.Optional;
import java.util.Set;

/**
 * An HTTP POST of the run. The URL is a secret (a Slack incoming-webhook URL is its own credential).
 *
 * @param format     {@code json}: the run as {@code sluice run --json} prints it; {@code slack}: a message Slack
 *                   and Mattermost incoming webhooks accept
 * @param signingKey when present, the body is signed with HMAC-SHA256 in the {@code X-Sluice-Signature-256} header
 */
public record WebhookChannelSpec(String name, Set<NotifyOn> on, Secret url, Format format, Optional<Secret> signingKey)
        implements ChannelSpec {
    public enum Format {
        JSON,
        SLACK
    }

    public WebhookChannelSpec {
        on = Set.copyOf(on);
    }
}
