package dev.sluice.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda Runtime API on loopback, as Lambda serves it to a runtime ({@code AWS_LAMBDA_RUNTIME_API}): the
 * runtime long-polls {@code GET /2018-06-01/runtime/invocation/next} and gets an event with its request id, deadline
 * and function ARN in headers; it answers with {@code POST .../invocation/{id}/response} or {@code .../error}, and
 * reports a failed start with {@code POST /2018-06-01/runtime/init/error}.
 */
public final class LambdaRuntimeApi implements AutoCloseable {
    private static final String BASE = "/2018-06-01/runtime/";
    public static final String FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:sluice";

    /**
     * How an invocation ended: the function's answer, or its error (the error type Lambda reports, and the body),
     * and when the event was handed to the function and answered ({@link System#nanoTime}).
     */
    public record Outcome(boolean failed, String errorType, String body, long handedNanos, long answeredNanos) {
        public long millis() {
            return (answeredNanos - handedNanos) / 1_000_000;
        }
    }

    private record Invocation(String id, String event, Duration timeout) {}

    private final HttpServer server;
    // Daemon threads: a server a test forgot to close must not keep the test JVM alive after the last test.
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "test-server");
        thread.setDaemon(true);
        return thread;
    });
    private final BlockingQueue<Invocation> queue = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Outcome>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<Outcome> initError = new CompletableFuture<>();
    private final CompletableFuture<Long> firstPoll = new CompletableFuture<>();
    private final Map<String, Long> handed = new ConcurrentHashMap<>();

    public LambdaRuntimeApi() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext(BASE, this::handle);
        server.start();
    }

    /** {@code AWS_LAMBDA_RUNTIME_API}: host and port. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues an event for the runtime's next poll; completes when the function answered. */
    public CompletableFuture<Outcome> invoke(String event, Duration timeout) {
        Invocation invocation = new Invocation(UUID.randomUUID().toString(), event, timeout);
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        pending.put(invocation.id(), outcome);
        queue.add(invocation);
        return outcome;
    }

    /** When the runtime first asked for an event ({@link System#nanoTime}): its start-up was over. */
    public CompletableFuture<Long> firstPoll() {
        return firstPoll;
    }

    /** The runtime's report of a failed start, if it made one. */
    public Optional<Outcome> initError() {
        return Optional.ofNullable(initError.getNow(null));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(BASE.length());
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (path.equals("invocation/next") && exchange.getRequestMethod().equals("GET")) {
                firstPoll.complete(System.nanoTime());
                next(exchange);
            } else if (path.equals("init/error")) {
                initError.complete(outcome(exchange, body, true, System.nanoTime()));
                accepted(exchange);
            } else if (path.startsWith("invocation/") && (path.endsWith("/response") || path.endsWith("/error"))) {
                String id = path.substring("invocation/".length(), path.lastIndexOf('/'));
                CompletableFuture<Outcome> outcome = pending.remove(id);
                if (outcome == null) {
                    exchange.sendResponseHeaders(400, -1);
                    return;
                }
                outcome.complete(outcome(exchange, body, path.endsWith("/error"), handed.remove(id)));
                accepted(exchange);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        Invocation invocation;
        try {
            invocation = queue.poll(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (invocation == null) {
            exchange.sendResponseHeaders(500, -1);
            return;
        }
        byte[] event = invocation.event().getBytes(StandardCharsets.UTF_8);
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set("Lambda-Runtime-Aws-Request-Id", invocation.id());
        headers.set(
                "Lambda-Runtime-Deadline-Ms",
                String.valueOf(System.currentTimeMillis() + invocation.timeout().toMillis()));
        headers.set("Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN);
        headers.set("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0");
        handed.put(invocation.id(), System.nanoTime());
        exchange.sendResponseHeaders(200, event.length);
        exchange.getResponseBody().write(event);
    }

    private static Outcome outcome(HttpExchange exchange, byte[] body, boolean failed, long handedNanos) {
        return new Outcome(
                failed,
                exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type"),
                new String(body, StandardCharsets.UTF_8),
                handedNanos,
                System.nanoTime());
    }

    private static void accepted(HttpExchange exchange) throws IOException {
        byte[] ok = "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(202, ok.length);
        exchange.getResponseBody().write(ok);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
