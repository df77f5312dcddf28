package dev.sluice.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A JSON field's path as a pipeline file writes it ({@code path:}, {@code records:}): field names separated by
 * {@code .}, {@code a.b} being {@code b} inside {@code a}. A name that holds a dot writes it {@code \.}, and a
 * backslash {@code \\}: {@code 1\. open} is the field {@code 1. open}, which feeds do have.
 */
public final class FieldPath {
    private FieldPath() {}

    /**
     * The field names of {@code path}, outermost first.
     *
     * @throws IllegalArgumentException when a name is empty or a backslash escapes neither {@code .} nor {@code \}
     */
    public static List<String> names(String path) {
        List<String> names = new ArrayList<>();
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\') {
                char next = i + 1 < path.length() ? path.charAt(i + 1) : 0;
                if (next != '.' && next != '\\') {
                    throw new IllegalArgumentException("'\\' escapes '.' or '\\' in a field's name: write \\. or \\\\");
                }
                name.append(next);
                i++;
            } else if (c == '.') {
                names.add(named(name));
                name.setLength(0);
            } else {
                name.append(c);
            }
        }
        names.add(named(name));
        return names;
    }

    /** A field's name as one step of a path: its dots and backslashes escaped. */
    public static String escaped(String name) {
        return name.replace("\\", "\\\\").replace(".", "\\.");
    }

    private static String named(StringBuilder name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a field's name is empty (a path is names separated by '.')");
        }
        return name.toString();
    }
}
