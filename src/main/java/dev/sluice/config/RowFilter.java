package dev.sluice.config;

import java.util.List;
import java.util.Objects;

/**
 * A condition a row must meet to be kept, tested on the trimmed raw text of one column.
 *
 * @param header the header name of the column tested (it need not be a loaded column)
 * @param test   the kind of test
 * @param values for {@link Test#EQUALS} one value, for {@link Test#IN} one or more; empty otherwise
 */
public record RowFilter(String header, Test test, List<String> values) {
    public enum Test {
        EQUALS,
        IN,
        EMPTY,
        NOT_EMPTY
    }

    public RowFilter {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(test, "test");
        values = List.copyOf(values);
    }

    public boolean matches(String trimmed) {
        return switch (test) {
            case EQUALS, IN -> values.contains(trimmed);
            case EMPTY -> trimmed.isEmpty();
            case NOT_EMPTY -> !trimmed.isEmpty();
        };
    }

    /** A short human description, used in warnings: {@code Country/Region = US}. */
    public String describe() {
        return switch (test) {
            case EQUALS -> header + " = " + values.get(0);
            case IN -> header + " in " + values;
            case EMPTY -> header + " is empty";
            case NOT_EMPTY -> header + " is not empty";
        };
    }
}
