package dev.sluice.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 server on loopback that writes raw bytes, for what a well-behaved server library will not do: reset
 * the connection mid-body (RST, not FIN), announce a Content-Length that differs from the body, or accept a
 * connection and never answer. Each connection gets the next scripted {@link Reply}; the last one repeats.
 */
public final class RawHttpServer implements AutoCloseable {

    /** What to do with one connection, after its request head has been read. */
    @FunctionalInterface
    public interface Reply {
        void write(Socket socket, OutputStream out) throws IOException;
    }

    private final ServerSocket server;
    // Daemon threads: a server a test forgot to close must not keep the test JVM alive after the last test.
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "test-server");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Reply> script = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    public RawHttpServer(Reply... replies) {
        script.addAll(List.of(replies));
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor.execute(this::accept);
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    /** How many connections were accepted: one per attempt. */
    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                Reply reply = script.size() > 1 ? script.remove(0) : script.get(0);
                executor.execute(() -> serve(socket, reply));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(Socket socket, Reply reply) {
        try (socket) {
            readHead(socket.getInputStream());
            reply.write(socket, socket.getOutputStream());
        } catch (IOException e) {
            // The client went away: nothing more to write.
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        int b;
        while (matched < end.length && (b = in.read()) >= 0) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    private static byte[] head(long contentLength) {
        return ("HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: " + contentLength
                        + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** 200 with the whole body and a true Content-Length. */
    public static Reply full(byte[] body) {
        return (socket, out) -> {
            out.write(head(body.length));
            out.write(body);
            out.flush();
        };
    }

    /** Announces the whole body, sends {@code sent} bytes, then resets the connection (SO_LINGER 0: an RST). */
    public static Reply resetAfter(byte[] body, int sent) {
        return (socket, out) -> {
            out.write(head(body.length));
            out.write(body, 0, sent);
            out.flush();
            socket.setSoLinger(true, 0);
        };
    }

    /** Announces {@code announced} bytes but sends the whole body: a client must stop at the announced length. */
    public static Reply announcing(byte[] body, long announced) {
        return (socket, out) -> {
            out.write(head(announced));
            out.write(body);
            out.flush();
        };
    }

    /**
     * Announces the whole body and sends it one byte every {@code pauseMillis}, never pausing long enough for a read
     * timeout: a server trickling a body, until the client hangs up.
     */
    public static Reply trickle(byte[] body, long pauseMillis) {
        return (socket, out) -> {
            out.write(head(body.length));
            out.flush();
            try {
                for (byte b : body) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(pauseMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // The client hung up: what a trickle is for.
            }
        };
    }

    /** Reads the request and answers nothing until the client gives up (or {@code maxMillis} pass). */
    public static Reply silent(long maxMillis) {
        return (socket, out) -> {
            try {
                socket.setSoTimeout((int) maxMillis);
                while (socket.getInputStream().read() >= 0) {
                    // The client closes the connection when its timeout fires.
                }
            } catch (IOException e) {
                // Timed out or closed by the client: done either way.
            }
        };
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing a listening socket cannot lose anything.
        }
        executor.shutdownNow();
    }
}
