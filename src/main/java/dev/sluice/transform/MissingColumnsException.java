package dev.sluice.transform;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import java.util.List;

/** The header lacks columns the pipeline uses: the upstream schema changed, and loading anyway would be wrong. */
public class MissingColumnsException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> missing;

    public MissingColumnsException(String source, List<String> missing, List<String> header, String hint) {
        super(
                ErrorKind.MISSING_COLUMN,
                source + ": the header has no column " + String.join(", ", missing) + "; it has " + header + hint,
                source,
                1L,
                missing.get(0),
                null,
                null);
        this.missing = List.copyOf(missing);
    }

    public List<String> missing() {
        return missing;
    }
}
