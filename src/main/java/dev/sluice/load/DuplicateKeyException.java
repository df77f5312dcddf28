package dev.sluice.load;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import java.util.List;

/**
 * A key appears on more than one row of a source: which row is right cannot be decided, so nothing is loaded. The
 * error's file and line are the second row's, its column the key's header names, its value the key.
 */
public class DuplicateKeyException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /**
     * @param places    where the key is, in order: at least two when known, none when PostgreSQL found the
     *                  duplicate and the rows could not be located
     * @param otherKeys how many other keys are duplicated too, when counted
     */
    DuplicateKeyException(
            String source, String keyHeaders, String key, List<RowPositions.Place> places, long otherKeys) {
        super(
                ErrorKind.DUPLICATE_KEY,
                message(source, keyHeaders, key, places, otherKeys),
                source,
                places.size() > 1 ? places.get(1).file() : null,
                places.size() > 1 ? places.get(1).line() : null,
                keyHeaders,
                key,
                null);
    }

    private static String message(
            String source, String keyHeaders, String key, List<RowPositions.Place> places, long otherKeys) {
        String where = places.isEmpty() ? " appears more than once" : " appears on " + RowPositions.describe(places);
        String more = otherKeys > 0 ? " (" + otherKeys + " more keys are duplicated)" : "";
        return source + ": key " + keyHeaders + " = " + key + where + more;
    }
}
