package dev.sluice.cli;

import dev.sluice.config.PipelineConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parses {@code --source NAME=URL}: an http(s) or file URL, or a plain local path for convenience. A path typed on
 * the command line is the user's own choice, so it is not confined like {@code file:} URLs in pipeline files.
 */
final class SourceOverrides {
    private SourceOverrides() {}

    static Map<String, URI> parse(Map<String, String> raw) {
        Map<String, URI> urls = new LinkedHashMap<>();
        raw.forEach((name, value) -> urls.put(name, toUri(name, value.trim())));
        return urls;
    }

    private static URI toUri(String name, String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("file:")) {
            try {
                URI uri = new URI(value);
                return lower.startsWith("file:") ? Path.of(uri).toAbsolutePath().toUri() : uri;
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new PipelineConfigException("--source", 0, name, "not a valid URL: " + e.getMessage());
            }
        }
        if (value.contains("://")) {
            throw new PipelineConfigException("--source", 0, name, "must be an http(s) URL, a file: URL or a path");
        }
        return Path.of(value).toAbsolutePath().normalize().toUri();
    }
}
