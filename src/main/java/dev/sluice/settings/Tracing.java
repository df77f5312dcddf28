package dev.sluice.settings;

import dev.sluice.config.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the traces of runs go: OTLP over HTTP with JSON bodies, configured by OpenTelemetry's own variables, so a
 * collector set up for other services takes sluice's too. Off unless {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) is set; off with {@code OTEL_SDK_DISABLED=true} or
 * {@code OTEL_TRACES_EXPORTER=none}.
 *
 * @param endpoint    the traces endpoint ({@code .../v1/traces})
 * @param headers     sent with each export ({@code OTEL_EXPORTER_OTLP_HEADERS}): often a collector's API key
 * @param serviceName the {@code service.name} of the spans ({@code OTEL_SERVICE_NAME}, else {@code sluice})
 */
public record Tracing(URI endpoint, Map<String, Secret> headers, String serviceName) {
    public Tracing {
        headers = Map.copyOf(headers);
    }

    /**
     * The tracing the environment asks for, if any; {@code warnings} receives what is set but cannot be honoured.
     */
    static Optional<Tracing> from(Map<String, String> env, List<String> warnings) {
        if ("true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "").trim())
                || "none"
                        .equalsIgnoreCase(
                                env.getOrDefault("OTEL_TRACES_EXPORTER", "").trim())) {
            return Optional.empty();
        }
        String traces =
                env.getOrDefault("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").trim();
        String base = env.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "").trim();
        if (traces.isEmpty() && base.isEmpty()) {
            return Optional.empty();
        }
        String protocol = env.getOrDefault(
                        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", env.getOrDefault("OTEL_EXPORTER_OTLP_PROTOCOL", ""))
                .trim()
                .toLowerCase(Locale.ROOT);
        if (!protocol.isEmpty() && !protocol.equals("http/json")) {
            warnings.add("OTEL_EXPORTER_OTLP_PROTOCOL is " + protocol + "; sluice exports traces as http/json only"
                    + " (a collector's port 4318 takes it): traces are off");
            return Optional.empty();
        }
        String url = traces.isEmpty() ? base.replaceAll("/+$", "") + "/v1/traces" : traces;
        URI endpoint;
        try {
            endpoint = new URI(url);
            if (endpoint.getScheme() == null || !endpoint.getScheme().matches("https?") || endpoint.getHost() == null) {
                throw new URISyntaxException(url, "not an http(s) URL");
            }
        } catch (URISyntaxException e) {
            throw new SettingsException(
                    traces.isEmpty() ? "OTEL_EXPORTER_OTLP_ENDPOINT" : "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                    "is not an http(s) URL");
        }
        Map<String, Secret> headers = new LinkedHashMap<>();
        for (String name : List.of("OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS")) {
            String value = env.getOrDefault(name, "").trim();
            if (value.isEmpty()) {
                continue;
            }
            List<String> pairs = new ArrayList<>(List.of(value.split(",")));
            for (String pair : pairs) {
                int equals = pair.indexOf('=');
                if (equals <= 0) {
                    // The value may be a key: name the variable, never repeat it.
                    throw new SettingsException(name, "must be NAME=VALUE pairs separated by commas");
                }
                headers.put(
                        java.net.URLDecoder.decode(
                                pair.substring(0, equals).trim(), java.nio.charset.StandardCharsets.UTF_8),
                        Secret.of(java.net.URLDecoder.decode(
                                pair.substring(equals + 1).trim(), java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        String service = env.getOrDefault("OTEL_SERVICE_NAME", "").trim();
        return Optional.of(new Tracing(endpoint, headers, service.isEmpty() ? "sluice" : service));
    }
}
