package dev.sluice.extract;

import java.io.InputStream;

/**
 * A source's body as the load reads it, whatever it is behind: a download still arriving (read as it is written,
 * never past it), a finished download, or the cached copy of the body last loaded. Each {@link #open} starts again
 * from the first byte.
 */
@FunctionalInterface
public interface SourceBody {
    /**
     * A new stream from the first byte. Reading fails with the download's own error when the download fails, and
     * with {@link SourceRestartedException} when a download being read had to start over.
     */
    InputStream open();
}
