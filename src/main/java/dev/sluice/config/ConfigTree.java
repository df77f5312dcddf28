package dev.sluice.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML document parsed into a tree that remembers the line of every field, so that validation errors can
 * point at the line to fix. Jackson's own tree drops locations, hence this small builder over its token stream.
 */
final class ConfigTree {
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String origin;
    private final JsonNode root;
    private final Map<String, Integer> lines;

    private ConfigTree(String origin, JsonNode root, Map<String, Integer> lines) {
        this.origin = origin;
        this.root = root;
        this.lines = lines;
    }

    /**
     * Refuses a file larger than {@link PipelineFileReader#MAX_FILE_BYTES} before anything parses it: the YAML
     * parser takes quadratic time over a long scalar (50 MB: minutes), and no pipeline needs a megabyte.
     */
    static void checkSize(String origin, long bytes) {
        if (bytes > PipelineFileReader.MAX_FILE_BYTES) {
            throw new PipelineConfigException(
                    origin,
                    0,
                    "",
                    String.format(
                            java.util.Locale.ROOT,
                            "the file is %,d bytes; pipeline and notifications files are at most %,d",
                            bytes,
                            PipelineFileReader.MAX_FILE_BYTES));
        }
    }

    static ConfigTree parse(String origin, String text) {
        checkSize(origin, text.length());
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = YAML.createParser(text)) {
            if (parser.nextToken() == null) {
                throw new PipelineConfigException(origin, 1, "", "the file is empty");
            }
            JsonNode root = read(origin, parser, "", lines);
            if (parser.nextToken() != null) {
                throw new PipelineConfigException(origin, line(parser), "", "expected one YAML document, found more");
            }
            return new ConfigTree(origin, root, lines);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new PipelineConfigException(origin, line, "", "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new PipelineConfigException(origin, 0, "", "cannot read: " + e.getMessage());
        }
    }

    private static JsonNode read(String origin, JsonParser parser, String path, Map<String, Integer> lines)
            throws IOException {
        lines.putIfAbsent(path, line(parser));
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT: {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    String childPath = path.isEmpty() ? name : path + "." + name;
                    if (object.has(name)) {
                        throw new PipelineConfigException(origin, line(parser), childPath, "appears twice");
                    }
                    lines.put(childPath, line(parser));
                    parser.nextToken();
                    object.set(name, read(origin, parser, childPath, lines));
                }
                return object;
            }
            case START_ARRAY: {
                ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(read(origin, parser, path + "[" + array.size() + "]", lines));
                }
                return array;
            }
            case VALUE_NULL:
                return NODES.nullNode();
            case VALUE_TRUE:
            case VALUE_FALSE:
                return NODES.booleanNode(parser.getBooleanValue());
            default:
                // Numbers stay text: every accessor parses the text it expects, with one error message style.
                return NODES.textNode(parser.getText());
        }
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    String origin() {
        return origin;
    }

    ConfigNode root() {
        return new ConfigNode(this, root, "");
    }

    int lineOf(String path) {
        Integer line = lines.get(path);
        return line == null ? 0 : line;
    }
}
