package dev.sluice.pipeline;

import dev.sluice.extract.DownloadListener;
import dev.sluice.transform.SourceValidator;

/** Told how far a run has got: bytes downloaded and rows read per source, for progress on a terminal. */
public interface RunProgress extends DownloadListener, SourceValidator.RowProgress {
    RunProgress NONE = new RunProgress() {
        @Override
        public void progress(String source, long bytes, long total) {}

        @Override
        public void rows(String source, long rowsRead) {}
    };
}
