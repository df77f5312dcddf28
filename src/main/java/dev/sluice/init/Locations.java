package dev.sluice.init;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the guessed pipeline reads its files, as YAML lines of a source: {@code url:} for one remote file,
 * {@code urls:} for several, {@code file:} for a local one. A local file inside the pipeline file's directory is
 * written relative to it, which is where a pipeline file may read; one outside needs {@code SLUICE_FILE_ROOTS}, which
 * the reasons say.
 */
final class Locations {
    private Locations() {}

    static String yaml(List<URI> urls, Path directory, List<String> reasons) {
        List<String> written =
                urls.stream().map(url -> written(url, directory, reasons)).toList();
        if (written.size() == 1) {
            String only = written.get(0);
            return only.startsWith("file:") && !only.startsWith("file:/")
                    ? "    file: " + PipelineText.quoted(only.substring("file:".length())) + "\n"
                    : "    url: " + PipelineText.quoted(only) + "\n";
        }
        StringBuilder out = new StringBuilder("    urls:\n");
        written.forEach(
                url -> out.append("      - ").append(PipelineText.quoted(url)).append('\n'));
        return out.toString();
    }

    private static String written(URI url, Path directory, List<String> reasons) {
        if (!"file".equalsIgnoreCase(url.getScheme())) {
            return url.toString();
        }
        Path file = Path.of(url);
        Path base = directory.toAbsolutePath().normalize();
        if (file.startsWith(base)) {
            return "file:" + base.relativize(file).toString().replace('\\', '/');
        }
        reasons.add("note: " + file + " is outside the pipeline file's directory; a run may read it only with"
                + " SLUICE_FILE_ROOTS=" + file.getParent());
        return file.toUri().toString();
    }
}
