package dev.sluice.load;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a source's rows came from: which of its files and which line. A position is packed in one {@code long} (the
 * file's index in the high bits, the line in the low 40), so that rows stream without an allocation and a staging
 * table keeps one {@code _line} column, which also orders rows by file, then line.
 */
final class RowPositions {
    private static final int LINE_BITS = 40;
    private static final long LINE_MASK = (1L << LINE_BITS) - 1;

    /** A row's place, for messages. */
    record Place(String file, long line) {
        String describe() {
            return file == null ? "line " + line : file + " line " + line;
        }
    }

    private final List<String> files;

    /** @param files each file's label, in order; a single null label for a source of one file */
    RowPositions(List<String> files) {
        this.files = new ArrayList<>(files);
    }

    /** SQL of the file index of a packed position held in {@code column}. */
    static String fileOf(String column) {
        return "(" + column + " >> " + LINE_BITS + ")";
    }

    /** The label of file {@code index}, when the source has several. */
    java.util.Optional<String> label(int index) {
        return index < files.size() ? java.util.Optional.ofNullable(files.get(index)) : java.util.Optional.empty();
    }

    static long pack(int file, long line) {
        return ((long) file << LINE_BITS) | line;
    }

    Place place(long position) {
        int file = (int) (position >>> LINE_BITS);
        return new Place(file < files.size() ? files.get(file) : null, position & LINE_MASK);
    }

    /** Places described in a list: {@code lines 3, 7}, or {@code a.csv line 3, b.csv line 7}. */
    static String describe(List<Place> places) {
        if (places.stream().allMatch(p -> p.file() == null)) {
            return "lines "
                    + String.join(
                            ", ",
                            places.stream().map(p -> String.valueOf(p.line())).toList());
        }
        return String.join(", ", places.stream().map(Place::describe).toList());
    }
}
