package dev.sluice.web;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.Secret;
import dev.sluice.config.ServedPipelines;
import dev.sluice.history.RunRepository;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard and its JSON API, on Javalin, wired here in plain code. Everything it reads goes through the
 * SELECT-only connection it is given; the only thing it can start is a run, behind a bearer token. Pages and
 * ECharts come from the jar (no CDN); every response carries a Content-Security-Policy without inline script.
 */
public final class DashboardServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
                    + " img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none';"
                    + " form-action 'none'";

    /** PostgreSQL's SQLSTATE for a statement cancelled, here by the reader's statement_timeout. */
    private static final String QUERY_CANCELED = "57014";

    private final Javalin app;

    /** A dashboard of a fixed set of pipelines. */
    public DashboardServer(
            List<PipelineSpec> pipelines,
            DataSource reader,
            RunRepository history,
            int expectedSchemaVersion,
            Optional<Secret> apiToken,
            ManualRuns manualRuns,
            List<String> allowedHosts) {
        this(
                () -> ServedPipelines.of(pipelines),
                reader,
                history,
                expectedSchemaVersion,
                apiToken,
                manualRuns,
                allowedHosts);
    }

    /**
     * @param pipelines             the pipelines served now, read at each request (their files may change)
     * @param reader                the dashboard's read-only connections
     * @param history               the run history, read through {@code reader}
     * @param expectedSchemaVersion readiness requires this migration applied
     * @param apiToken              the bearer token for "run now"; empty disables it
     * @param manualRuns            starts a run in the background
     * @param allowedHosts          Host header names answered besides loopback names ({@code *}: any)
     */
    public DashboardServer(
            Supplier<ServedPipelines> pipelines,
            DataSource reader,
            RunRepository history,
            int expectedSchemaVersion,
            Optional<Secret> apiToken,
            ManualRuns manualRuns,
            List<String> allowedHosts) {
        HostCheck hosts = new HostCheck(allowedHosts);
        DataApi data = new DataApi(pipelines, reader, history, CachedAnswers.sizedToHeap());
        RunsApi runs = new RunsApi(reader, history);
        ServiceApi service = new ServiceApi(pipelines, reader, expectedSchemaVersion, apiToken, manualRuns);
        MetricsApi metrics = new MetricsApi(pipelines, reader, history);
        byte[] echarts = echarts();
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.modifyHttpConfiguration(http -> http.setSendServerVersion(false));
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/web";
                files.location = Location.CLASSPATH;
            });
            config.routes.before(DashboardServer::securityHeaders);
            config.routes.before(hosts::check);
            config.routes.get("/assets/echarts.min.js", ctx -> {
                ctx.header("Cache-Control", "public, max-age=86400");
                ctx.contentType("text/javascript; charset=utf-8").result(echarts);
            });
            config.routes.get("/api/pipelines", data::list);
            config.routes.get("/api/pipeline-files/unreadable", data::unreadableFiles);
            config.routes.get("/api/pipelines/{name}/rows", data::rows);
            config.routes.get("/api/pipelines/{name}/rows.csv", data::rowsCsv);
            config.routes.get("/api/pipelines/{name}/series", data::series);
            config.routes.get("/api/pipelines/{name}/entities", data::entities);
            config.routes.get("/api/pipelines/{name}/summary", data::summary);
            config.routes.post("/api/pipelines/{name}/runs", service::runNow);
            config.routes.get("/api/runs", runs::list);
            config.routes.get("/api/runs/{id}", runs::one);
            config.routes.get("/api/runs/{id}/rejected", runs::rejected);
            config.routes.get("/api/runs/{id}/revisions", runs::revisions);
            config.routes.get("/health/live", service::live);
            config.routes.get("/health/ready", service::ready);
            config.routes.get("/metrics", metrics::metrics);
            config.routes.exception(
                    BadRequestException.class, (e, ctx) -> JsonResponses.error(ctx, e.status(), e.getMessage()));
            config.routes.exception(Exception.class, DashboardServer::internalError);
        });
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
    }

    /**
     * A failure inside a handler: logged with its cause, answered without internals. Every read connection in use,
     * or a read stopped by its time limit, is the server being busy, not broken: 503, to be asked again.
     */
    private static void internalError(Exception e, Context ctx) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLTransientConnectionException
                    || (cause instanceof java.sql.SQLException sql && QUERY_CANCELED.equals(sql.getSQLState()))) {
                LOG.warn("{} {} answered 503: {}", ctx.method(), ctx.path(), cause.getMessage());
                ctx.header("Retry-After", "5");
                JsonResponses.error(ctx, 503, "the dashboard is busy; try again in a few seconds");
                return;
            }
        }
        LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
        JsonResponses.error(ctx, 500, "internal error; see the server log");
    }

    /** ECharts from its WebJar, found by the version the WebJar declares, so the page never names a version. */
    private static byte[] echarts() {
        Properties pom = new Properties();
        try (InputStream in =
                DashboardServer.class.getResourceAsStream("/META-INF/maven/org.webjars/echarts/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the ECharts WebJar is missing from the classpath");
            }
            pom.load(in);
            String path = "/META-INF/resources/webjars/echarts/" + pom.getProperty("version") + "/echarts.min.js";
            try (InputStream script = DashboardServer.class.getResourceAsStream(path)) {
                if (script == null) {
                    throw new IllegalStateException("missing " + path);
                }
                return script.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public DashboardServer start(String host, int port) {
        try {
            app.start(host, port);
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof java.net.BindException) {
                    app.stop();
                    throw portInUse(host, port);
                }
            }
            throw e;
        }
        return this;
    }

    /**
     * Fails with a user's error when {@code host:port} cannot be listened on, before anything slow starts (the demo
     * simulates its days first; serve starts its scheduler). Port 0, any free port, always can.
     */
    public static void ensurePortFree(String host, int port) {
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.net.BindException e) {
            throw portInUse(host, port);
        } catch (IOException e) {
            throw new SluiceException(
                    ErrorKind.CONFIG, "cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private static SluiceException portInUse(String host, int port) {
        return new SluiceException(
                ErrorKind.CONFIG,
                "port " + port + " on " + host + " is in use (another sluice serve or demo, or another program):"
                        + " choose another with --port N, or --port 0 for any free port");
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
