package dev.sluice.transform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.sluice.config.FieldPath;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Guesses how a JSON sample holds its records, for {@code sluice init}: an array of objects, a sequence of objects
 * (JSON Lines), or an array of objects inside the document (its path, for {@code records:}); and flattens each record
 * to its leaf fields by dotted path, as the columns of a CSV header. A sample cut short ends at its last whole
 * record. Paths are kept in the order first seen, at most {@code maxPaths}.
 */
public final class JsonSniffer {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(JsonRecords.MAX_DEPTH)
                    .build())
            .build();
    /** How deep a document is searched for its array of records. */
    private static final int RECORDS_DEPTH = 4;

    private JsonSniffer() {}

    /**
     * What was found.
     *
     * @param records the path of the array of records inside the document; empty when the document is the records
     * @param paths   the records' leaf fields, in the order first seen
     * @param rows    each record's values at the paths, as text ({@code ""} where it has none)
     * @param cut     whether the sample ended inside a record (the rest of the file was not read)
     */
    public record Sniffed(
            Optional<String> records, List<String> paths, List<List<String>> rows, boolean cut, List<String> reasons) {}

    /** Whether a sample's first character (after a byte order mark and spaces) opens a JSON object or array. */
    public static boolean looksLikeJson(byte[] sample) {
        int start =
                sample.length >= 3 && sample[0] == (byte) 0xEF && sample[1] == (byte) 0xBB && sample[2] == (byte) 0xBF
                        ? 3
                        : 0;
        while (start < sample.length && Character.isWhitespace(sample[start])) {
            start++;
        }
        return start < sample.length && (sample[start] == '{' || sample[start] == '[');
    }

    public static Sniffed sniff(byte[] sample, boolean truncated, int maxPaths) {
        Map<String, Integer> paths = new LinkedHashMap<>();
        List<Map<String, String>> records = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        Optional<String> recordsPath = Optional.empty();
        boolean cut = false;
        try (JsonParser parser = FACTORY.createParser(sample)) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_ARRAY) {
                reasons.add("format: json, an array of records");
                readArray(parser, records, paths, maxPaths);
            } else if (first == JsonToken.START_OBJECT && isSequence(sample)) {
                reasons.add("format: json, one record after the other (JSON Lines)");
                records.add(readRecord(parser, paths, maxPaths));
                for (JsonToken t = parser.nextToken(); t == JsonToken.START_OBJECT; t = parser.nextToken()) {
                    records.add(readRecord(parser, paths, maxPaths));
                }
            } else if (first == JsonToken.START_OBJECT) {
                Map<String, String> record = new LinkedHashMap<>();
                // The document's own fields are no columns of records inside it: they are kept apart.
                Map<String, Integer> documentPaths = new LinkedHashMap<>();
                Optional<String> found = findRecords(parser, "", 0, record, records, documentPaths, paths, maxPaths);
                if (found.isPresent()) {
                    recordsPath = found;
                    reasons.add("format: json, the records in the array at " + found.get());
                    readArray(parser, records, paths, maxPaths);
                } else {
                    paths.putAll(documentPaths);
                    records.add(record);
                    reasons.add("format: json, a document of one record");
                }
            }
        } catch (IOException e) {
            // A sample cut inside a record ends at the last whole one; a malformed file is left to the run to name.
            cut = true;
            if (!truncated) {
                reasons.add("note: the file is not well-formed JSON (" + firstLine(e.getMessage()) + ")");
            }
        }
        List<String> names = new ArrayList<>(paths.keySet());
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, String> record : records) {
            List<String> row = new ArrayList<>(names.size());
            for (String name : names) {
                row.add(record.getOrDefault(name, ""));
            }
            rows.add(row);
        }
        if (paths.size() >= maxPaths) {
            reasons.add(String.format(Locale.ROOT, "note: only the first %,d fields are columns", maxPaths));
        }
        return new Sniffed(recordsPath, names, rows, cut, reasons);
    }

    /** Whether another object follows the first: JSON Lines, whose records may hold arrays of objects of their own. */
    private static boolean isSequence(byte[] sample) {
        try (JsonParser parser = FACTORY.createParser(sample)) {
            parser.nextToken();
            parser.skipChildren();
            return parser.nextToken() == JsonToken.START_OBJECT;
        } catch (IOException e) {
            return false;
        }
    }

    private static String firstLine(String message) {
        int end = message == null ? -1 : message.indexOf('\n');
        return end < 0 ? String.valueOf(message) : message.substring(0, end);
    }

    private static void readArray(
            JsonParser parser, List<Map<String, String>> records, Map<String, Integer> paths, int maxPaths)
            throws IOException {
        for (JsonToken t = parser.nextToken(); t == JsonToken.START_OBJECT; t = parser.nextToken()) {
            records.add(readRecord(parser, paths, maxPaths));
        }
    }

    /**
     * In the root object, the first array whose first element is an object, searched depth first; the parser is left
     * inside it, after its first token. Fields read on the way are the one record a document without such an array
     * is.
     */
    private static Optional<String> findRecords(
            JsonParser parser,
            String prefix,
            int depth,
            Map<String, String> record,
            List<Map<String, String>> records,
            Map<String, Integer> documentPaths,
            Map<String, Integer> recordPaths,
            int maxPaths)
            throws IOException {
        for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
            String path = prefix + FieldPath.escaped(parser.currentName());
            JsonToken value = parser.nextToken();
            if (value == JsonToken.START_ARRAY && depth < RECORDS_DEPTH) {
                // The first element decides; an array of values is a field of the one record, as its JSON text.
                JsonToken element = parser.nextToken();
                if (element == JsonToken.START_OBJECT) {
                    records.add(readRecord(parser, recordPaths, maxPaths));
                    return Optional.of(path);
                }
                StringWriter text = new StringWriter();
                try (var generator = FACTORY.createGenerator(text)) {
                    generator.writeStartArray();
                    for (JsonToken e = element; e != JsonToken.END_ARRAY; e = parser.nextToken()) {
                        generator.copyCurrentStructure(parser);
                    }
                    generator.writeEndArray();
                }
                put(record, documentPaths, maxPaths, path, text.toString());
            } else if (value == JsonToken.START_OBJECT && depth < RECORDS_DEPTH) {
                Optional<String> found = findRecords(
                        parser, path + ".", depth + 1, record, records, documentPaths, recordPaths, maxPaths);
                if (found.isPresent()) {
                    return found;
                }
            } else {
                put(record, documentPaths, maxPaths, path, scalarOrStructure(parser, value));
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> readRecord(JsonParser parser, Map<String, Integer> paths, int maxPaths)
            throws IOException {
        Map<String, String> record = new LinkedHashMap<>();
        flatten(parser, "", record, paths, maxPaths);
        return record;
    }

    private static void flatten(
            JsonParser parser, String prefix, Map<String, String> record, Map<String, Integer> paths, int maxPaths)
            throws IOException {
        for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
            String path = prefix + FieldPath.escaped(parser.currentName());
            JsonToken value = parser.nextToken();
            if (value == JsonToken.START_OBJECT) {
                flatten(parser, path + ".", record, paths, maxPaths);
            } else {
                put(record, paths, maxPaths, path, scalarOrStructure(parser, value));
            }
        }
    }

    private static void put(
            Map<String, String> record, Map<String, Integer> paths, int maxPaths, String path, String value) {
        if (paths.containsKey(path) || paths.size() < maxPaths) {
            paths.putIfAbsent(path, paths.size());
            record.put(path, value);
        }
    }

    /** A scalar's text as a run reads it, or an array's compact JSON. */
    private static String scalarOrStructure(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return "";
        }
        if (value == JsonToken.START_ARRAY || value == JsonToken.START_OBJECT) {
            StringWriter text = new StringWriter();
            try (var generator = FACTORY.createGenerator(text)) {
                generator.copyCurrentStructure(parser);
            }
            return text.toString();
        }
        return parser.getText();
    }
}
