package dev.sluice.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.app.Wiring;
import dev.sluice.config.PipelineSpec;
import dev.sluice.db.Database;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.schedule.PipelineFiles;
import dev.sluice.schedule.PipelineService;
import dev.sluice.web.DashboardServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The life of a serving process, shared by {@code serve} and {@code demo}: start the scheduled service and the
 * web server, then block until SIGTERM/SIGINT, when the shutdown hook stops the web first, lets runs in progress
 * finish (or roll back), and closes the database last.
 */
final class Serving {
    private Serving() {}

    /**
     * Binding beyond loopback is the operator's choice, but it should be a conscious one: the dashboard has no TLS
     * and no login of its own.
     */
    private static void warnIfReachableFromElsewhere(Terminal terminal, String bind) {
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(bind).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            terminal.err()
                    .println("sluice: warning: serving on " + bind + ": the dashboard and API can be reached"
                            + " from other machines, without TLS or login (run-now needs the token). Put a reverse proxy in"
                            + " front, and list the names it is reached by in SLUICE_ALLOWED_HOSTS: other Host names are"
                            + " refused.");
        }
    }

    /**
     * @param files     the pipeline files, read once already; read again at the reload interval, their changes
     *                  scheduled and shown
     * @param alsoClose closed last, after the database (the demo's source server)
     */
    static void untilStopped(
            Wiring wiring,
            Terminal terminal,
            Database db,
            Pipeline pipeline,
            PipelineFiles files,
            String bind,
            int port,
            Duration shutdownWait,
            AutoCloseable alsoClose)
            throws InterruptedException {
        warnIfReachableFromElsewhere(terminal, bind);
        db.closedBySelfOnShutdown();
        HikariDataSource reader = wiring.reader(db);
        PipelineService service = wiring.service(db, pipeline, shutdownWait);
        DashboardServer web;
        try {
            service.start(db.dataSource(), files::current);
            files.watch(wiring.settings().serve().reloadInterval(), service::reconcile);
            web = wiring.dashboard(files::current, reader, db, service::runInBackground)
                    .start(bind, port);
        } catch (RuntimeException e) {
            files.close();
            service.close();
            reader.close();
            throw e;
        }
        untilSignalled(terminal, web, files.current().pipelines(), bind, () -> {
            files.close();
            service.close();
            reader.close();
            db.close();
            try {
                alsoClose.close();
            } catch (Exception e) {
                terminal.err().println("sluice: " + e.getMessage());
            }
        });
    }

    /**
     * The dashboard and API alone, reading as sluice_reader: nothing scheduled, no run-now, no connection as the
     * owner. Another process loads the tables (on AWS, the Lambda function).
     */
    static void dashboardUntilStopped(
            Wiring wiring, Terminal terminal, Optional<String> url, PipelineFiles files, String bind, int port)
            throws InterruptedException {
        warnIfReachableFromElsewhere(terminal, bind);
        HikariDataSource reader = wiring.readerOnly(url);
        DashboardServer web;
        try {
            files.watch(wiring.settings().serve().reloadInterval(), now -> {});
            web = wiring.dashboardOnly(files::current, reader).start(bind, port);
        } catch (RuntimeException e) {
            files.close();
            reader.close();
            throw e;
        }
        untilSignalled(terminal, web, files.current().pipelines(), bind, () -> {
            files.close();
            reader.close();
        });
    }

    /** Says where the dashboard is, then blocks until SIGTERM/SIGINT, when the web stops first, then the rest. */
    private static void untilSignalled(
            Terminal terminal, DashboardServer web, List<PipelineSpec> specs, String bind, Runnable closeTheRest)
            throws InterruptedException {
        terminal.out()
                .println("sluice: dashboard and API on http://" + bind + ":" + web.port() + "/ ("
                        + String.join(
                                ", ",
                                specs.stream()
                                        .map(s -> s.name()
                                                + s.schedule()
                                                        .map(c -> " at '" + c.cron() + "' " + c.zone())
                                                        .orElse(" (no schedule)"))
                                        .toList())
                        + "); stop with Ctrl-C");
        terminal.out().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            terminal.err().println("sluice: shutting down");
                            web.close();
                            closeTheRest.run();
                            stopped.countDown();
                        },
                        "sluice-shutdown"));
        stopped.await();
    }
}
