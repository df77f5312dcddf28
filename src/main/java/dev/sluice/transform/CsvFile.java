package dev.sluice.transform;

import java.util.Objects;

/**
 * One file of a source, as the validator reads it.
 *
 * @param label how problems name the file (its name, or its URL when names repeat); null for a source's only file
 * @param input its decompressed bytes, from the first
 */
public record CsvFile(String label, CsvInput input) {
    public CsvFile {
        Objects.requireNonNull(input, "input");
    }
}
