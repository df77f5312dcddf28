package dev.sluice.extract;

/** Told how far each download has got, for progress on a terminal. Called from download threads. */
@FunctionalInterface
public interface DownloadListener {
    DownloadListener NONE = (source, bytes, total) -> {};

    /**
     * @param total the announced length, or -1 when unknown
     */
    void progress(String source, long bytes, long total);
}
