package dev.sluice.notify;

import dev.sluice.Sleeper;
import dev.sluice.config.PipelineSpec;
import dev.sluice.db.Database;
import dev.sluice.db.DatabaseException;
import dev.sluice.history.Run;
import dev.sluice.history.RunRepository;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells people about runs, the one way every front end does: a recorded run's notifications are delivered from the
 * outbox ({@link NotificationDispatcher}), retrying for as long as the caller can wait, and whatever is left is
 * retried later by whoever calls {@link #deliverDue} (serve's loop, the next {@code sluice run}); a run that could
 * not be recorded is delivered straight to its channels ({@link DirectDelivery}). Entry point of {@code notify}.
 */
public final class Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    private final Database database;
    private final RunRepository runs;
    private final Outbox outbox;
    private final ChannelFactory factory;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration firstRetry;
    /** One dispatcher per pipeline definition: channels (an SNS client, say) are built once. */
    private final Map<PipelineSpec, NotificationDispatcher> dispatchers = new ConcurrentHashMap<>();

    public Notifier(
            Database database,
            RunRepository runs,
            Outbox outbox,
            ChannelFactory factory,
            Clock clock,
            Sleeper sleeper,
            Duration firstRetry) {
        this.database = database;
        this.runs = runs;
        this.outbox = outbox;
        this.factory = factory;
        this.clock = clock;
        this.sleeper = sleeper;
        this.firstRetry = firstRetry;
    }

    /** The dispatcher of a pipeline's channels. */
    public NotificationDispatcher dispatcher(PipelineSpec spec) {
        return dispatchers.computeIfAbsent(
                spec,
                s -> new NotificationDispatcher(
                        database,
                        runs,
                        outbox,
                        s.name(),
                        factory.create(s, database::describe),
                        clock,
                        sleeper,
                        firstRetry));
    }

    /**
     * Delivers a recorded run's notifications, retrying for at most {@code patience} (none: one attempt each), and
     * returns the run as recorded now, with their state. The run is recorded whatever happens here: a database lost
     * at this point leaves the notifications in the outbox for later.
     */
    public Run deliver(Run run, PipelineSpec spec, Duration patience) {
        if (spec.notifications().isEmpty()) {
            return run; // nothing to deliver, for this run or any earlier one
        }
        try {
            dispatcher(spec).settle(run.id(), patience);
            try (Connection c = database.connect()) {
                return runs.find(c, run.id()).orElse(run);
            }
        } catch (DatabaseException | SQLException e) {
            LOG.warn(
                    "{} of {} is recorded, but its notifications stay in the outbox: {}",
                    run.label(),
                    run.pipeline(),
                    e.getMessage());
            return run;
        }
    }

    /**
     * Delivers a run that could not be recorded straight to the channels that want it, retrying until
     * {@code patience} runs out (none: one attempt each): the outbox is out of reach with the database.
     */
    public Run deliverUnrecorded(Run run, PipelineSpec spec, Duration patience) {
        return run.withNotifications(
                new DirectDelivery(factory.create(spec, database::describe), clock, sleeper, firstRetry)
                        .deliver(run, spec.notifications(), patience));
    }

    /** Delivers every due notification of these pipelines: retries, and what other processes left behind. */
    public void deliverDue(List<PipelineSpec> specs) {
        for (PipelineSpec spec : specs) {
            try {
                dispatcher(spec).deliverDue();
            } catch (RuntimeException e) {
                LOG.warn("delivering the notifications of {}: {}", spec.name(), e.getMessage());
            }
        }
    }
}
