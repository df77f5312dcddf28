package dev.sluice.transform;

import dev.sluice.config.ColumnSpec;
import dev.sluice.config.ValueFormat;

/** Types one column's trimmed, non-empty raw text. One instance per column per run; not thread-safe. */
interface ValueParser {

    Object parse(String text) throws InvalidValueException;

    static ValueParser of(ColumnSpec column) {
        ValueFormat format = column.format();
        if (column.type().isTemporal() && format.epoch().isPresent()) {
            return new EpochParser(
                    column.type(), format.epoch().get(), format.zone().orElse(null));
        }
        NumberText notation = new NumberText(format.decimalSeparator(), format.grouping());
        return switch (column.type()) {
            case DATE -> new DateParser(format.pattern());
            case TIMESTAMP, TIMESTAMPTZ -> new TimestampParser(column.type(), format.pattern(), format.zone());
            case INTEGER -> new IntegerParser(notation, column.min(), column.max());
            case DECIMAL -> new DecimalParser(notation, column.min(), column.max());
            case DOUBLE -> new DoubleParser(notation, column.min(), column.max());
            case BOOLEAN -> new BooleanParser(format.trueValues(), format.falseValues());
            case TEXT -> new TextParser();
        };
    }
}
