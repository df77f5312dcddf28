package dev.sluice.transform;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a source's CSV bytes come from. Opened once to read every row, and again from the first byte only to locate
 * an invalid byte; the caller decides what is behind it (a download still arriving, a file).
 */
@FunctionalInterface
public interface CsvInput {
    InputStream open();

    /** A local file's bytes. */
    static CsvInput of(Path file) {
        return () -> {
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw new SluiceException(ErrorKind.LOCAL_IO, "cannot read " + file + ": " + e.getMessage(), e);
            }
        };
    }
}
