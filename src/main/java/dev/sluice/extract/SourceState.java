package dev.sluice.extract;

import java.util.Optional;

/**
 * What sluice remembers of a source after a successful (or unchanged) run: enough for a conditional GET and to
 * recognise the same body again.
 */
public record SourceState(
        String source,
        String url,
        Optional<String> etag,
        Optional<String> lastModified,
        String sha256,
        long bytes,
        long rows) {}
