package dev.sluice.notify;

import dev.sluice.history.FeedTransition;
import dev.sluice.history.Run;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel that is always there: every outcome is logged (stderr), failures at ERROR with their location.
 * It is not in the outbox: a log line cannot be lost to a network outage.
 */
public final class ConsoleChannel {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleChannel.class);

    /** A feed going late is a warning; its recovery is news. */
    public void announce(FeedTransition transition) {
        Notification notification = Notification.of(transition);
        if (transition.recovered()) {
            LOG.info("{} -- {}", MessageText.subject(notification), transition.reason());
        } else {
            LOG.warn("{} -- {}", MessageText.subject(notification), transition.reason());
        }
    }

    public void announce(Run run) {
        Notification notification = Notification.of(run, List.of());
        String subject = MessageText.subject(notification);
        switch (run.status()) {
            case FAILED ->
                LOG.error("{} -- {}", subject, run.error().map(e -> e.message()).orElse(""));
            case SKIPPED_LOCKED -> LOG.warn(subject);
            default -> LOG.info(subject);
        }
        run.warnings().forEach(w -> LOG.warn("{}: {}", run.pipeline(), w));
    }
}
