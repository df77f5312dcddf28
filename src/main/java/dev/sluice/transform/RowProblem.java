package dev.sluice.transform;

import dev.sluice.Excerpt;

/**
 * One invalid value or malformed row.
 *
 * @param source the source's name
 * @param file   which of the source's files, for a source of several; null for a source of one file
 * @param line   1-based line in the file where the row starts, counting every line (skipped ones and the header)
 * @param column the header name of the column, or null when the whole row is wrong
 * @param value  the raw value (shortened when long), or null
 * @param reason why it is invalid
 */
public record RowProblem(String source, String file, long line, String column, String value, String reason) {
    public RowProblem {
        value = Excerpt.of(value, Excerpt.VALUE);
        column = Excerpt.of(column, Excerpt.VALUE);
        file = Excerpt.of(file, Excerpt.VALUE);
    }

    /** {@code nyt line 5, column cases: '-1' is below the minimum 0}; with a file: {@code rates 2021.csv line 5...}. */
    public String describe() {
        StringBuilder text = new StringBuilder(source);
        if (file != null) {
            text.append(' ').append(file);
        }
        text.append(" line ").append(line);
        if (column != null) {
            text.append(", column ").append(column);
        }
        text.append(": ");
        if (value != null) {
            text.append('\'').append(value).append("' ");
        }
        return text.append(reason).toString();
    }
}
