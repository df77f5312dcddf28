package dev.sluice.pipeline;

import dev.sluice.config.SourceSpec;
import dev.sluice.extract.Download;
import dev.sluice.extract.LocalStorageException;
import dev.sluice.extract.PendingDownload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where a load reads each source's body: finished downloads, or downloads still arriving (a first load). */
interface SourceBodies {
    InputStream open(SourceSpec source);

    Path file(SourceSpec source);

    /** The finished downloads, waiting for any still in progress. */
    List<Download> finished();

    static SourceBodies of(List<Download> downloads) {
        return new SourceBodies() {
            private Download download(SourceSpec source) {
                return downloads.stream().filter(d -> d.source().equals(source.name())).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no body for " + source.name()));
            }

            @Override
            public InputStream open(SourceSpec source) {
                Path file = file(source);
                try {
                    return Files.newInputStream(file);
                } catch (IOException e) {
                    throw new LocalStorageException(source.name(), "cannot read the download " + file, e);
                }
            }

            @Override
            public Path file(SourceSpec source) {
                return download(source).body().orElseThrow(() -> new IllegalStateException("no body for "
                        + source.name()));
            }

            @Override
            public List<Download> finished() {
                return downloads;
            }
        };
    }

    static SourceBodies arriving(List<PendingDownload> pending) {
        return new SourceBodies() {
            private PendingDownload download(SourceSpec source) {
                return pending.stream().filter(d -> d.source().equals(source.name())).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no download of " + source.name()));
            }

            @Override
            public InputStream open(SourceSpec source) {
                return download(source).openBody();
            }

            @Override
            public Path file(SourceSpec source) {
                return download(source).file();
            }

            @Override
            public List<Download> finished() {
                return pending.stream().map(PendingDownload::await).toList();
            }
        };
    }
}
