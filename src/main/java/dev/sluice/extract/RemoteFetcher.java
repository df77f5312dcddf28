package dev.sluice.extract;

import dev.sluice.config.SourceSpec;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/** Fetches one file of a source from a server ({@code http(s)://}, {@code s3://}) into a local file. */
interface RemoteFetcher {
    /**
     * Fetches {@code url} into {@code file}, conditionally when {@code conditional} holds what the last fetch saw.
     *
     * @param shownUrl the URL as messages may show it (credentials redacted)
     */
    Fetched fetch(
            SourceSpec source,
            URI url,
            String shownUrl,
            Optional<SourceState> conditional,
            Path file,
            AttemptObserver observer);
}
