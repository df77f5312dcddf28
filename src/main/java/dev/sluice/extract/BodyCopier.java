package dev.sluice.extract;

import dev.sluice.ErrorKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Streams a body to a local file while hashing it, enforcing the size limit and remembering its first bytes for
 * {@link BodySniffer}. Memory use is one buffer, whatever the body's size.
 */
final class BodyCopier {
    private static final int BUFFER = 1 << 16;

    record Copied(long bytes, String sha256, byte[] prefix, int prefixLength) {}

    /** Told of each chunk copied: progress display, stall detection. */
    interface Progress {
        void copied(long bytesSoFar);
    }

    private BodyCopier() {}

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * @throws IOException from the input (a network error: the caller may retry)
     * @throws LocalStorageException when the local file cannot be written (disk full: retrying will not help)
     */
    static Copied copy(String source, InputStream in, Path file, long maxBytes, Progress progress) throws IOException {
        MessageDigest digest = sha256();
        byte[] prefix = new byte[BodySniffer.PREFIX_BYTES];
        int prefixLength = 0;
        long total = 0;
        byte[] buffer = new byte[BUFFER];
        OutputStream out = openLocal(source, file);
        boolean complete = false;
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                total += n;
                if (total > maxBytes) {
                    throw new SourceRejectedException(
                            ErrorKind.TOO_LARGE,
                            source,
                            source + ": the body is larger than the limit of " + maxBytes + " bytes (fetch.max_bytes)");
                }
                if (prefixLength < prefix.length) {
                    int take = Math.min(n, prefix.length - prefixLength);
                    System.arraycopy(buffer, 0, prefix, prefixLength, take);
                    prefixLength += take;
                }
                digest.update(buffer, 0, n);
                writeLocal(source, out, buffer, n, file);
                progress.copied(total);
            }
            complete = true;
        } finally {
            closeLocal(source, out, file, complete);
        }
        return new Copied(total, HexFormat.of().formatHex(digest.digest()), prefix, prefixLength);
    }

    private static OutputStream openLocal(String source, Path file) {
        try {
            return Files.newOutputStream(file);
        } catch (IOException e) {
            throw new LocalStorageException(source, "cannot create the download file " + file, e);
        }
    }

    private static void writeLocal(String source, OutputStream out, byte[] buffer, int n, Path file) {
        try {
            out.write(buffer, 0, n);
        } catch (IOException e) {
            throw new LocalStorageException(source, "cannot write the download to " + file, e);
        }
    }

    /** Closes the file; a failure to flush matters only when the copy itself succeeded. */
    private static void closeLocal(String source, OutputStream out, Path file, boolean complete) {
        try {
            out.close();
        } catch (IOException e) {
            if (complete) {
                throw new LocalStorageException(source, "cannot write the download to " + file, e);
            }
        }
    }
}
