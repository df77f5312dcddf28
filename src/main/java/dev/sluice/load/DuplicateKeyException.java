package dev.sluice.load;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A key appears on more than one row of a source: which row is right cannot be decided, so nothing is loaded. The
 * error's line is the second row's, its column the key's header names, its value the key.
 */
public class DuplicateKeyException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /**
     * @param lines     the lines the key is on, in order: at least two when known, none when PostgreSQL found the
     *                  duplicate and the lines could not be located
     * @param otherKeys how many other keys are duplicated too, when counted
     */
    public DuplicateKeyException(String source, String keyHeaders, String key, List<Long> lines, long otherKeys) {
        super(
                ErrorKind.DUPLICATE_KEY,
                message(source, keyHeaders, key, lines, otherKeys),
                source,
                lines.size() > 1 ? lines.get(1) : null,
                keyHeaders,
                key,
                null);
    }

    private static String message(String source, String keyHeaders, String key, List<Long> lines, long otherKeys) {
        String where = lines.isEmpty()
                ? " appears more than once"
                : " appears on lines " + lines.stream().map(String::valueOf).collect(Collectors.joining(", "));
        String more = otherKeys > 0 ? " (" + otherKeys + " more keys are duplicated)" : "";
        return source + ": key " + keyHeaders + " = " + key + where + more;
    }
}
