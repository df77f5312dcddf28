package dev.sluice.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.sluice.testing.SharedData;
import dev.sluice.testing.SluiceProcess;
import dev.sluice.testing.SourceServer;
import dev.sluice.testing.TestDatabase;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source served over https that redirects to plain http must not be followed: the body would cross the network
 * unauthenticated. sluice runs as its own process trusting a certificate made for this test, so that https really
 * works (a positive control loads the same file over https directly).
 */
class HttpsRedirectIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "changeit";

    @TempDir
    Path dir;

    private HttpsServer https;
    private SourceServer plain;
    private List<String> trust;
    private String db;

    @BeforeEach
    void start() throws Exception {
        Path keys = dir.resolve("server.p12");
        Path cert = dir.resolve("server.crt");
        Path trusted = dir.resolve("trust.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keys.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD);
        keytool(
                "-exportcert",
                "-alias",
                "server",
                "-keystore",
                keys.toString(),
                "-storepass",
                PASSWORD,
                "-file",
                cert.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "server",
                "-file",
                cert.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                trusted.toString(),
                "-storepass",
                PASSWORD);
        trust = List.of(
                "-Djavax.net.ssl.trustStore=" + trusted,
                "-Djavax.net.ssl.trustStorePassword=" + PASSWORD,
                "-Djavax.net.ssl.trustStoreType=PKCS12");

        plain = new SourceServer();
        plain.serveFile("/nyt.csv", SharedData.nyt("2022-04-19")).serveFile("/jhu.csv", SharedData.jhu("2021-02-01"));
        https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        https.setHttpsConfigurator(new HttpsConfigurator(sslContext(keys)));
        byte[] nyt = SourceServer.read(SharedData.nyt("2022-04-19"));
        https.createContext("/nyt.csv", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, nyt.length);
                exchange.getResponseBody().write(nyt);
            }
        });
        https.createContext("/to-plain", exchange -> {
            try (exchange) {
                exchange.getResponseHeaders()
                        .set("Location", plain.url("/nyt.csv").toString());
                exchange.sendResponseHeaders(302, -1);
            }
        });
        https.start();
        db = TestDatabase.createDatabase();
    }

    @AfterEach
    void stop() {
        https.stop(0);
        plain.close();
    }

    private static SSLContext sslContext(Path keys) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys)) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private JsonNode run(String nytPath) throws Exception {
        String nyt = "https://127.0.0.1:" + https.getAddress().getPort() + nytPath;
        SluiceProcess.Result result = SluiceProcess.run(
                trust,
                Map.of("SLUICE_HOME", dir.resolve("home").toString()),
                "run",
                "--db",
                db,
                "--json",
                "--source",
                "nyt=" + nyt,
                "--source",
                "jhu=" + plain.url("/jhu.csv"));
        JsonNode json = JSON.readTree(result.stdout());
        assertThat(result.exitCode())
                .as(result.stderr())
                .isEqualTo(json.get("status").asText().equals("FAILED") ? 1 : 0);
        return json;
    }

    @Test
    void a_redirect_from_https_to_http_is_refused_and_the_run_fails_cleanly() throws Exception {
        JsonNode refused = run("/to-plain");

        assertThat(refused.get("status").asText()).isEqualTo("FAILED");
        assertThat(refused.at("/error/kind").asText()).isEqualTo("SOURCE_UNAVAILABLE");
        assertThat(refused.at("/error/message").asText()).contains("redirect").contains("https to http");
        assertThat(plain.requests("/nyt.csv")).isEmpty();
        assertThat(refused.get("inserted").asLong()).isZero();

        JsonNode direct = run("/nyt.csv");
        assertThat(direct.get("status").asText())
                .as("the same file over https directly")
                .isEqualTo("SUCCEEDED");
        assertThat(direct.get("inserted").asLong()).isEqualTo(820);
    }
}
