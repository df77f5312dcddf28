package dev.sluice.transform;

import de.siegmar.fastcsv.reader.CsvRecord;
import java.util.List;

/**
 * One record of a source's file, whatever its syntax: its fields in the order of the file's header (CSV), or of the
 * paths the source reads (JSON), and the line it starts on.
 */
interface SourceRecord {
    long line();

    int fieldCount();

    String field(int index);

    List<String> fields();

    /** A record of these fields, starting on {@code line}. */
    static SourceRecord of(long line, List<String> fields) {
        return new Row(line, fields);
    }

    /** A record whose fields are in a list. */
    record Row(long line, List<String> fields) implements SourceRecord {
        @Override
        public int fieldCount() {
            return fields.size();
        }

        @Override
        public String field(int index) {
            return fields.get(index);
        }
    }

    /** A CSV line's record as FastCSV read it. */
    static SourceRecord of(CsvRecord record) {
        return new SourceRecord() {
            @Override
            public long line() {
                return record.getStartingLineNumber();
            }

            @Override
            public int fieldCount() {
                return record.getFieldCount();
            }

            @Override
            public String field(int index) {
                return record.getField(index);
            }

            @Override
            public List<String> fields() {
                return record.getFields();
            }
        };
    }
}
