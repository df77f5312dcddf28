package dev.sluice.extract;

import java.util.List;
import java.util.Optional;

/**
 * What sluice remembers of a source after a successful (or unchanged) run: enough for a conditional GET and to
 * recognise the same body again, and the header it had.
 *
 * @param header the file's header names as last read; empty when unknown (no header, or remembered before sluice
 *               kept headers)
 */
public record SourceState(
        String source,
        String url,
        Optional<String> etag,
        Optional<String> lastModified,
        String sha256,
        long bytes,
        long rows,
        List<String> header) {
    public SourceState {
        header = List.copyOf(header);
    }
}
