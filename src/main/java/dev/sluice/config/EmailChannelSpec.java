package dev.sluice.config;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Email over SMTP.
 *
 * @param tls      {@code none}, {@code starttls} (required, not opportunistic) or {@code tls} (implicit, port 465)
 * @param user     the SMTP user, when the server wants authentication
 * @param password the SMTP password, from the environment or a file
 * @param to       one or more recipients
 */
public record EmailChannelSpec(
        String name,
        Set<NotifyOn> on,
        String host,
        int port,
        SmtpTls tls,
        Optional<String> user,
        Optional<Secret> password,
        String from,
        List<String> to)
        implements ChannelSpec {
    public enum SmtpTls {
        NONE,
        STARTTLS,
        TLS
    }

    public EmailChannelSpec {
        on = Set.copyOf(on);
        to = List.copyOf(to);
    }
}
