package dev.sluice.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * AWS Secrets Manager on loopback, speaking its documented protocol to the real AWS SDK client: JSON 1.1 over
 * POST, the operation in {@code X-Amz-Target} ({@code secretsmanager.GetSecretValue}), {@code SecretId} in the body,
 * the answer's {@code SecretString}; a secret it does not hold is {@code ResourceNotFoundException}. Each secret is a
 * list of versions handed out in turn, the last one repeating: a rotation is the next version.
 */
public final class SecretsManagerEndpoint implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it arrived: its operation, its signature's header, the secret asked for. */
    public record Request(String target, String authorization, String secretId) {}

    private final HttpServer server;
    private final Map<String, List<String>> versions = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    public SecretsManagerEndpoint() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Holds a secret whose value is {@code versions} in turn: the next read after one gets the next. */
    public SecretsManagerEndpoint put(String arn, String... values) {
        versions.put(arn, new CopyOnWriteArrayList<>(List.of(values)));
        return this;
    }

    /** The requests for {@code arn}, in order. */
    public List<Request> requests(String arn) {
        return requests.stream().filter(r -> arn.equals(r.secretId())).toList();
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String secretId = body.path("SecretId").asText(null);
            requests.add(new Request(target, exchange.getRequestHeaders().getFirst("Authorization"), secretId));
            if (!"POST".equals(exchange.getRequestMethod()) || !"secretsmanager.GetSecretValue".equals(target)) {
                answer(exchange, 400, error("InvalidRequestException", "only GetSecretValue is spoken here"));
                return;
            }
            List<String> values = versions.get(secretId);
            if (values == null) {
                answer(
                        exchange,
                        400,
                        error("ResourceNotFoundException", "Secrets Manager can't find the specified secret."));
                return;
            }
            String value = values.size() > 1 ? values.remove(0) : values.get(0);
            ObjectNode answer = JSON.createObjectNode();
            answer.put("ARN", secretId);
            answer.put("Name", secretId.substring(secretId.lastIndexOf(':') + 1));
            answer.put("SecretString", value);
            answer.put("VersionId", "v" + requests(secretId).size());
            answer.putArray("VersionStages").add("AWSCURRENT");
            answer.put("CreatedDate", 1.523477145713E9);
            answer(exchange, 200, answer);
        }
    }

    private static ObjectNode error(String type, String message) {
        ObjectNode error = JSON.createObjectNode();
        error.put("__type", type);
        error.put("message", message);
        return error;
    }

    private static void answer(HttpExchange exchange, int status, JsonNode json) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(json);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** RDS's secret shape, as its generated secrets hold it. */
    public static String databaseSecret(String host, int port, String dbname, String username, String password) {
        ObjectNode json = JSON.createObjectNode();
        json.put("engine", "postgres");
        json.put("host", host);
        json.put("port", port);
        json.put("dbname", dbname);
        json.put("username", username);
        json.put("password", password);
        return json.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
