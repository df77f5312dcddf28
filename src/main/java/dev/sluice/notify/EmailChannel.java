package dev.sluice.notify;

import dev.sluice.config.EmailChannelSpec;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.util.Properties;

/**
 * Email over SMTP (Angus Mail): plain-text and HTML alternatives, to every recipient in one message. STARTTLS is
 * required when configured (no silent fall back to plain text); TLS checks the server's identity. The Message-ID
 * is derived from the run and channel, so a repeated delivery is recognisably the same message.
 */
final class EmailChannel implements NotificationChannel {
    private final EmailChannelSpec spec;
    private final Session session;

    EmailChannel(EmailChannelSpec spec, Duration timeout) {
        this.spec = spec;
        String timeoutMs = String.valueOf(timeout.toMillis());
        Properties props = new Properties();
        props.put("mail.smtp.host", spec.host());
        props.put("mail.smtp.port", String.valueOf(spec.port()));
        props.put("mail.smtp.connectiontimeout", timeoutMs);
        props.put("mail.smtp.timeout", timeoutMs);
        props.put("mail.smtp.writetimeout", timeoutMs);
        props.put("mail.smtp.auth", String.valueOf(spec.user().isPresent()));
        switch (spec.tls()) {
            case STARTTLS -> {
                props.put("mail.smtp.starttls.enable", "true");
                props.put("mail.smtp.starttls.required", "true");
                props.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case TLS -> {
                props.put("mail.smtp.ssl.enable", "true");
                props.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case NONE -> {}
        }
        this.session = Session.getInstance(props);
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public void deliver(Notification notification) {
        try {
            MimeMessage message = new StableIdMessage(session, "<" + notification.deliveryId(spec.name()) + "@sluice>");
            message.setFrom(new InternetAddress(spec.from(), true));
            message.setRecipients(Message.RecipientType.TO, addresses());
            message.setSubject(MessageText.subject(notification), "UTF-8");
            MimeMultipart alternatives = new MimeMultipart("alternative");
            MimeBodyPart text = new MimeBodyPart();
            text.setText(MessageText.plainText(notification), "UTF-8", "plain");
            MimeBodyPart html = new MimeBodyPart();
            html.setText(MessageText.html(notification), "UTF-8", "html");
            alternatives.addBodyPart(text);
            alternatives.addBodyPart(html);
            message.setContent(alternatives);
            if (spec.user().isPresent()) {
                Transport.send(
                        message,
                        spec.user().get(),
                        spec.password().map(p -> p.reveal()).orElse(""));
            } else {
                Transport.send(message);
            }
        } catch (MessagingException e) {
            throw new DeliveryFailedException(
                    spec.name(), "SMTP " + spec.host() + ":" + spec.port() + ": " + describe(e), null);
        }
    }

    private InternetAddress[] addresses() throws AddressException {
        InternetAddress[] to = new InternetAddress[spec.to().size()];
        for (int i = 0; i < to.length; i++) {
            to[i] = new InternetAddress(spec.to().get(i), true);
        }
        return to;
    }

    private static String describe(MessagingException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getMessage().strip();
        return root == e ? message : message + " (" + root.getClass().getSimpleName() + ")";
    }

    /** Keeps the Message-ID it was given instead of inventing a new one on every attempt. */
    private static final class StableIdMessage extends MimeMessage {
        private final String messageId;

        StableIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
