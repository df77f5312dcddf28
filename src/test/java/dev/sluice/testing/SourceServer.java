package dev.sluice.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * A real HTTP server on loopback that serves scripted responses per path: a body with ETag and Last-Modified
 * (answering 304 to a matching conditional GET), error statuses, HTML, cut-off and stalling bodies, gzip, and
 * a gate that holds a response until a test releases it. Each path's script is a queue; its last step repeats.
 */
public final class SourceServer implements AutoCloseable {

    /** One scripted response. */
    public interface Step {
        void respond(HttpExchange exchange) throws IOException;
    }

    /** A request as the server saw it. */
    public record Request(String path, String method, Map<String, List<String>> headers, byte[] body) {
        public String bodyText() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    private final HttpServer server;
    // Daemon threads: a server a test forgot to close must not keep the test JVM alive after the last test.
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "test-server");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, List<Step>> scripts = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    public SourceServer() {
        this(InetAddress.getLoopbackAddress());
    }

    /** A server on another address: 127.0.0.2 is another loopback address, another host to a client. */
    public SourceServer(InetAddress address) {
        try {
            server = HttpServer.create(new InetSocketAddress(address, 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI url(String path) {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort() + path);
    }

    public SourceServer script(String path, Step... steps) {
        scripts.put(path, new CopyOnWriteArrayList<>(List.of(steps)));
        return this;
    }

    /** The bundled covid-us pipeline's text, reading its sources from this server's /nyt.csv and /jhu.csv. */
    public String covidUsPipeline() {
        try (InputStream in = SourceServer.class.getResourceAsStream("/pipelines/covid-us.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replaceFirst("url: https://\\S+us\\.csv", "url: " + url("/nyt.csv"))
                    .replaceFirst("url: https://\\S+combined\\.csv", "url: " + url("/jhu.csv"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public SourceServer serveFile(String path, Path file) {
        return script(path, body(read(file)));
    }

    public List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(new Request(
                path,
                exchange.getRequestMethod(),
                Map.copyOf(exchange.getRequestHeaders()),
                exchange.getRequestBody().readAllBytes()));
        List<Step> script = scripts.get(path);
        try (exchange) {
            if (script == null || script.isEmpty()) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            Step step = script.size() > 1 ? script.remove(0) : script.get(0);
            step.respond(exchange);
        } catch (IOException e) {
            // The client went away (a timeout in the test): nothing to answer.
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** A loopback port nothing listens on (bound for a moment, then released): connections to it are refused. */
    public static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String etag(byte[] body) {
        try {
            return "\""
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 8) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 200 with the body, an ETag and Last-Modified; 304 when the request's If-None-Match matches. */
    public static Step body(byte[] body) {
        String etag = etag(body);
        return exchange -> {
            exchange.getResponseHeaders().set("ETag", etag);
            exchange.getResponseHeaders().set("Last-Modified", "Tue, 19 Apr 2022 12:00:00 GMT");
            exchange.getResponseHeaders().set("Content-Type", "text/csv; charset=utf-8");
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        };
    }

    /** 200 with the body gzip-encoded (Content-Encoding: gzip), without ETag. */
    public static Step gzipped(byte[] body) {
        return exchange -> {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, 0);
            try (GZIPOutputStream gzip = new GZIPOutputStream(exchange.getResponseBody())) {
                gzip.write(body);
            }
        };
    }

    /** A response with this status, content type and body. */
    public static Step respond(int code, String contentType, String body) {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return exchange -> {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        };
    }

    /** An empty response with this status and headers. */
    public static Step status(int code, String... headerPairs) {
        return exchange -> {
            for (int i = 0; i + 1 < headerPairs.length; i += 2) {
                exchange.getResponseHeaders().set(headerPairs[i], headerPairs[i + 1]);
            }
            exchange.sendResponseHeaders(code, -1);
        };
    }

    /** 200 with an HTML page, as a CDN or a login wall might answer. */
    public static Step html() {
        byte[] page = "<!DOCTYPE html>\n<html><body><h1>Rate limit exceeded</h1></body></html>\n".getBytes();
        return exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
        };
    }

    /** Announces {@code body.length} bytes, sends only the first {@code sent}, and closes the connection. */
    public static Step cutOff(byte[] body, int sent) {
        return exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            OutputStream out = exchange.getResponseBody();
            out.write(body, 0, sent);
            out.flush();
            throw new IOException("cut off on purpose");
        };
    }

    /** Sends the first {@code sent} bytes, then stalls for {@code stall} before closing. */
    public static Step stall(byte[] body, int sent, Duration stall) {
        return exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            OutputStream out = exchange.getResponseBody();
            out.write(body, 0, sent);
            out.flush();
            sleep(stall);
            throw new IOException("stalled on purpose");
        };
    }

    /** Holds the response until {@code gate} opens, then answers with {@code then}. */
    public static Step gated(CountDownLatch entered, CountDownLatch gate, Step then) {
        return exchange -> {
            entered.countDown();
            try {
                if (!gate.await(60, TimeUnit.SECONDS)) {
                    throw new IOException("gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            then.respond(exchange);
        };
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The requests in order, for assertions on retries. */
    public List<Request> allRequests() {
        return new ArrayList<>(requests);
    }
}
