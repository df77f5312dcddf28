package dev.sluice.config;

import java.util.regex.Pattern;

/**
 * SQL names in pipeline files. A name is accepted only if it is lower-case letters, digits and underscores,
 * starting with a letter or underscore, at most 63 bytes (PostgreSQL's limit): so a quoted name means exactly
 * what the unquoted one would, and no pipeline file can smuggle a quote or a semicolon into SQL. Reserved words
 * ({@code select}, {@code order}) are fine because every name is always quoted.
 */
public final class SqlIdentifier {
    private static final Pattern VALID = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private SqlIdentifier() {}

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /** Double-quotes a name that {@link #isValid} accepted; refuses any other. */
    public static String quote(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("not a valid SQL name: " + name);
        }
        return '"' + name + '"';
    }
}
