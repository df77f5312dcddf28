package dev.sluice.transform;

import dev.sluice.ErrorKind;
import dev.sluice.Excerpt;
import dev.sluice.SluiceException;
import java.util.List;
import java.util.Locale;

/** The header lacks columns the pipeline uses: the upstream schema changed, and loading anyway would be wrong. */
public class MissingColumnsException extends SluiceException {
    private static final long serialVersionUID = 1L;
    private static final int SHOWN = 20;
    private static final int NAME_CHARS = 60;

    private final transient List<String> missing;

    /**
     * @param file       which of the source's files, or null for a source of one file
     * @param headerLine the header's line (after any skipped lines)
     */
    public MissingColumnsException(
            String source, String file, long headerLine, List<String> missing, List<String> header, String hint) {
        super(
                ErrorKind.MISSING_COLUMN,
                source + (file == null ? "" : " " + file) + ": the header has no column " + names(missing)
                        + "; it has [" + names(header) + "]" + hint,
                source,
                file,
                headerLine,
                missing.get(0),
                null,
                null);
        this.missing = List.copyOf(missing);
    }

    /** The names shown: a header of 15,000 long names must not make a 15 MB message. */
    static String names(List<String> names) {
        String shown = String.join(
                ", ",
                names.stream()
                        .limit(SHOWN)
                        .map(name -> Excerpt.of(name, NAME_CHARS))
                        .toList());
        return names.size() > SHOWN
                ? shown + String.format(Locale.ROOT, ", ... (%,d columns in all)", names.size())
                : shown;
    }

    public List<String> missing() {
        return missing;
    }
}
