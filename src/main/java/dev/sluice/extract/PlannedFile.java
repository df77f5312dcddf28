package dev.sluice.extract;

import java.net.URI;
import java.util.Objects;

/**
 * One file a source reads in this run.
 *
 * @param label how messages name it among the source's files (its name, or its URL when names repeat); null for a
 *              source of one file, which its source names
 * @param url   where it is
 */
record PlannedFile(String label, URI url) {
    PlannedFile {
        Objects.requireNonNull(url, "url");
    }

    /** {@code source} or {@code source file}: how errors about this file begin. */
    String name(String source) {
        return label == null ? source : source + " " + label;
    }
}
