package dev.sluice.transform;

import dev.sluice.config.ColumnSpec;

/** Types one column's trimmed, non-empty raw text. One instance per column per run; not thread-safe. */
interface ValueParser {

    Object parse(String text) throws InvalidValueException;

    static ValueParser of(ColumnSpec column) {
        return switch (column.type()) {
            case DATE -> new DateParser(column.datePattern());
            case INTEGER -> new IntegerParser(column.min(), column.max());
            case DECIMAL -> new DecimalParser(column.min(), column.max());
            case TEXT -> new TextParser();
        };
    }
}
