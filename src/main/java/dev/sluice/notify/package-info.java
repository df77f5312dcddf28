/**
 * Notify: tell people what every run did. {@link dev.sluice.notify.Outbox} writes a run's notifications in the
 * transaction that records its outcome; {@link dev.sluice.notify.NotificationDispatcher} delivers them with
 * retries to email ({@link dev.sluice.notify.EmailChannel}), webhooks and SNS; {@link dev.sluice.notify.ConsoleChannel}
 * logs every outcome. Message words are in {@link dev.sluice.notify.MessageText}.
 */
package dev.sluice.notify;
