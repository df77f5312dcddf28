package dev.sluice.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An SMTP server on loopback that accepts anything and records what clients say, decoding AUTH PLAIN and AUTH LOGIN
 * credentials: a receiver a hostile pipeline file would point an email channel at, to see what sluice would send it.
 */
public final class RecordingSmtpServer implements AutoCloseable {
    private final ServerSocket socket;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> credentials = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public RecordingSmtpServer() {
        try {
            socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::accept, "recording-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Every line clients sent, in order. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The user names and passwords clients authenticated with, decoded. */
    public List<String> credentials() {
        return List.copyOf(credentials);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                converse(client);
            } catch (IOException e) {
                // The server closed, or a client hung up: next one.
            }
        }
    }

    private void converse(Socket client) throws IOException {
        BufferedReader in =
                new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = client.getOutputStream();
        say(out, "220 recorder ESMTP");
        boolean data = false;
        String line;
        String awaiting = "";
        while ((line = in.readLine()) != null) {
            lines.add(line);
            if (data) {
                if (line.equals(".")) {
                    data = false;
                    say(out, "250 queued");
                }
                continue;
            }
            if (!awaiting.isEmpty()) {
                credentials.add(awaiting + decode(line));
                awaiting = awaiting.equals("user:") ? "password:" : "";
                say(out, awaiting.isEmpty() ? "235 ok" : "334 UGFzc3dvcmQ6");
                continue;
            }
            String upper = line.toUpperCase(java.util.Locale.ROOT);
            if (upper.startsWith("EHLO")) {
                say(out, "250-recorder\r\n250 AUTH PLAIN LOGIN");
            } else if (upper.startsWith("AUTH PLAIN ")) {
                credentials.add(decode(line.substring(11)).replace('\0', ' ').trim());
                say(out, "235 ok");
            } else if (upper.startsWith("AUTH LOGIN")) {
                awaiting = "user:";
                say(out, "334 VXNlcm5hbWU6");
            } else if (upper.startsWith("DATA")) {
                data = true;
                say(out, "354 go on");
            } else if (upper.startsWith("QUIT")) {
                say(out, "221 bye");
                return;
            } else {
                say(out, "250 ok");
            }
        }
    }

    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return base64;
        }
    }

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a closed socket.
        }
    }
}
