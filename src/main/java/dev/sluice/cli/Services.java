package dev.sluice.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.config.PipelineSpec;
import dev.sluice.db.Database;
import dev.sluice.notify.DirectDelivery;
import dev.sluice.notify.NotificationChannel;
import dev.sluice.notify.NotificationDispatcher;
import dev.sluice.pipeline.Pipeline;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * What commands need from the outside world, built by hand in {@link dev.sluice.Main}: the environment, the clock,
 * the output streams, and factories for the object graph. Tests pass their own.
 */
public interface Services {
    Map<String, String> env();

    /** {@code $SLUICE_HOME}. */
    Path home();

    /**
     * The same services with another home and always the embedded database: the demo's own world, which
     * SLUICE_DB_URL must not redirect to a real database.
     */
    Services isolatedAt(Path home);

    Clock clock();

    PrintStream out();

    PrintStream err();

    /** Whether a person is watching: progress and a readable summary instead of one machine-readable line. */
    boolean interactive();

    /**
     * Raises sluice's log level to WARN (unless SLUICE_LOG_LEVEL says otherwise): on a terminal the progress line
     * and the final summary say what INFO logs would, and interleaved log lines would garble them.
     */
    void quietInfoLogs();

    PipelineSpec readPipeline(String pathOrName);

    /** Connects to {@code url}, or {@code SLUICE_DB_URL}, or the embedded database, and migrates it. */
    Database openDatabase(Optional<String> url);

    Pipeline pipeline(Database database, Progress progress);

    /** The dashboard's read-only pool, connecting as sluice_reader (password from SLUICE_READER_PASSWORD). */
    HikariDataSource openReader(Database database);

    /** Delivers the pipeline's notifications from the outbox. */
    NotificationDispatcher dispatcher(Database database, PipelineSpec spec);

    /** Delivers a run that could not be recorded straight to the pipeline's channels. */
    DirectDelivery directDelivery(PipelineSpec spec);

    /** The pipeline's channels, for {@code notify test}. */
    Map<String, NotificationChannel> channels(PipelineSpec spec);
}
