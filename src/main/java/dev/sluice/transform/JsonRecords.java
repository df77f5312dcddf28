package dev.sluice.transform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.sluice.config.FieldPath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a JSON file's records in one streaming pass, in constant memory: an array of objects, a sequence of objects
 * (JSON Lines), or the array at a dotted path inside the document ({@code records: data.items}). Of each record only
 * the fields at the wanted paths are kept, as text (a number as written, a boolean as {@code true}/{@code false},
 * null as no value, an object or array as its compact JSON); the rest is skipped as it streams. Nesting, strings and
 * numbers are bounded, so a hostile document fails early instead of exhausting memory. Line numbers are the record's
 * first line in the file. Errors surface as {@link UncheckedIOException} of Jackson's, which names the line.
 */
final class JsonRecords extends StreamedRecords {
    /** Nesting deeper than this is no data feed: a bomb of brackets fails at once. */
    static final int MAX_DEPTH = 64;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(CsvOpener.MAX_FIELD_CHARS)
                    .maxNumberLength(1_000)
                    .build())
            .build();

    /** One level of the wanted paths: a field kept at {@code index}, or holding wanted fields, or both. */
    private static final class Level {
        int index = -1;
        final Map<String, Level> fields = new HashMap<>();
    }

    private final JsonParser parser;
    private final Level wanted = new Level();
    private final List<String> paths;
    private final boolean[] seen;
    private boolean inArray;
    private boolean started;

    /**
     * @param paths   the paths of the fields read ({@link FieldPath}), in the order of the records' fields
     * @param records the path of the array of records inside the document, or empty
     */
    JsonRecords(InputStream in, List<String> paths, Optional<String> records) throws IOException {
        this.parser = FACTORY.createParser(in);
        this.paths = List.copyOf(paths);
        this.seen = new boolean[paths.size()];
        for (int i = 0; i < paths.size(); i++) {
            Level level = wanted;
            for (String name : FieldPath.names(paths.get(i))) {
                level = level.fields.computeIfAbsent(name, n -> new Level());
            }
            level.index = i;
        }
        records.ifPresent(path -> {
            try {
                enter(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The paths read: what a record's fields are, in order. */
    List<String> paths() {
        return paths;
    }

    /** Whether any record of the file had the field at {@code index} (null included). */
    boolean seen(int index) {
        return seen[index];
    }

    /** Moves to the array at {@code path}, through the objects it names; the document around it is still checked. */
    private void enter(String path) throws IOException {
        started = true;
        JsonToken token = parser.nextToken();
        List<String> names = FieldPath.names(path);
        for (int depth = 0; depth < names.size(); depth++) {
            if (token != JsonToken.START_OBJECT) {
                throw error("records: " + path + ": expected an object around '" + names.get(depth) + "', found "
                        + describe(token));
            }
            token = field(names.get(depth), path);
        }
        if (token != JsonToken.START_ARRAY) {
            throw error("records: " + path + " is " + describe(token) + ", not an array of records");
        }
        inArray = true;
    }

    /** In an object, the value of field {@code name}, the others skipped; fails when the object has none. */
    private JsonToken field(String name, String path) throws IOException {
        for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
            boolean found = name.equals(parser.currentName());
            JsonToken value = parser.nextToken();
            if (found) {
                return value;
            }
            parser.skipChildren();
        }
        throw error("records: " + path + ": the document has no field '" + name + "'");
    }

    @Override
    protected SourceRecord read() throws IOException {
        JsonToken token = parser.nextToken();
        if (!started) {
            started = true;
            if (token == JsonToken.START_ARRAY) {
                inArray = true;
                token = parser.nextToken();
            }
        }
        if (inArray && token == JsonToken.END_ARRAY) {
            finish();
            return null;
        }
        if (token == null) {
            if (inArray) {
                throw error("the array of records does not end: the file is truncated");
            }
            return null;
        }
        if (token != JsonToken.START_OBJECT) {
            throw error("a record must be an object, found " + describe(token));
        }
        long line = parser.currentTokenLocation().getLineNr();
        String[] values = new String[paths.size()];
        Arrays.fill(values, "");
        readObject(wanted, values);
        return SourceRecord.of(line, java.util.Arrays.asList(values));
    }

    /** After the array of records: the rest of the document must be well-formed, and nothing may follow it. */
    private void finish() throws IOException {
        for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                parser.skipChildren();
            }
        }
    }

    private void readObject(Level level, String[] values) throws IOException {
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            Level field = level.fields.get(name);
            if (field == null) {
                parser.skipChildren();
                continue;
            }
            if (field.index >= 0) {
                seen[field.index] = true;
            }
            if (value == JsonToken.START_OBJECT && field.index < 0) {
                readObject(field, values);
            } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                if (field.index >= 0) {
                    values[field.index] = structure();
                } else {
                    parser.skipChildren();
                }
            } else if (field.index >= 0 && value != JsonToken.VALUE_NULL) {
                values[field.index] = parser.getText();
            }
        }
    }

    /** The object or array at the parser, as compact JSON, at most {@link CsvOpener#MAX_FIELD_CHARS} characters. */
    private String structure() throws IOException {
        BoundedWriter text = new BoundedWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(text)) {
            generator.copyCurrentStructure(parser);
        }
        return text.toString();
    }

    private static final class BoundedWriter extends Writer {
        private final StringBuilder text = new StringBuilder();

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            if (text.length() + length > CsvOpener.MAX_FIELD_CHARS) {
                throw new IOException("a value longer than " + CsvOpener.MAX_FIELD_CHARS + " characters");
            }
            text.append(chars, offset, length);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}

        @Override
        public String toString() {
            return text.toString();
        }
    }

    private com.fasterxml.jackson.core.JsonParseException error(String message) {
        return new com.fasterxml.jackson.core.JsonParseException(parser, message);
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "the end of the file";
        }
        return switch (token) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.toString();
        };
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
