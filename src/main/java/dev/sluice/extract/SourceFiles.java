package dev.sluice.extract;

import dev.sluice.config.SourceLocation;
import dev.sluice.config.SourceSpec;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The files a source reads in this run: its location expanded now, since a directory's content and today's date
 * change between runs. A glob lists its directory (each match confined like any local file); a template writes the
 * URL of each date of its window, today being the day the clock says in the template's zone.
 */
final class SourceFiles {
    private SourceFiles() {}

    /** Lists a server's directory: the names of its files a glob matches, in name order. */
    interface RemoteLister {
        List<URI> matches(SourceSpec source, SourceLocation.RemoteGlob glob);
    }

    static List<PlannedFile> of(SourceSpec source, Clock clock, RemoteLister remote) {
        SourceLocation location = source.location();
        if (location instanceof SourceLocation.Single single) {
            return List.of(new PlannedFile(null, single.url()));
        }
        if (location instanceof SourceLocation.Listed listed) {
            return labelled(listed.urls());
        }
        if (location instanceof SourceLocation.Glob glob) {
            return labelled(matches(source, glob));
        }
        if (location instanceof SourceLocation.RemoteGlob glob) {
            return labelled(remote.matches(source, glob));
        }
        return labelled(dated(source, (SourceLocation.DateTemplate) location, clock));
    }

    private static List<URI> matches(SourceSpec source, SourceLocation.Glob glob) {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(glob.directory(), glob.pattern())) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry)) {
                    found.add(entry);
                }
                if (found.size() > SourceLocation.MAX_FILES) {
                    throw SourceUnavailableException.lastingFailure(
                            source.name(),
                            source.name() + ": " + glob.describe() + " matches more than " + SourceLocation.MAX_FILES
                                    + " files",
                            null);
                }
            }
        } catch (NoSuchFileException e) {
            throw SourceUnavailableException.missing(
                    source.name(), source.name() + ": no such directory " + glob.directory(), e);
        } catch (IOException e) {
            throw SourceUnavailableException.lastingFailure(
                    source.name(), source.name() + ": cannot list " + glob.directory() + ": " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw SourceUnavailableException.missing(
                    source.name(),
                    source.name() + ": no file matches " + glob.directory().resolve(glob.pattern()),
                    null);
        }
        found.sort(Comparator.comparing(path -> path.getFileName().toString()));
        return found.stream().map(Path::toUri).toList();
    }

    private static List<URI> dated(SourceSpec source, SourceLocation.DateTemplate template, Clock clock) {
        LocalDate today = LocalDate.now(clock.withZone(template.dates().zone()));
        List<LocalDate> window = template.window(today);
        if (window.isEmpty()) {
            throw SourceUnavailableException.missing(
                    source.name(),
                    source.name() + ": the template's first date "
                            + template.dates().from().orElseThrow() + " is after today (" + today + ")",
                    null);
        }
        if (window.size() > SourceLocation.MAX_FILES) {
            throw SourceUnavailableException.lastingFailure(
                    source.name(),
                    source.name() + ": the template's window holds " + window.size() + " dates, more than "
                            + SourceLocation.MAX_FILES + " files; start it later",
                    null);
        }
        return window.stream().map(template::url).toList();
    }

    /** Each file named by its last path segment, or by its URL (redacted) when two share a name. */
    private static List<PlannedFile> labelled(List<URI> urls) {
        Set<String> names = new HashSet<>();
        boolean unique = urls.stream().map(SourceFiles::name).allMatch(names::add);
        return urls.stream()
                .map(url -> new PlannedFile(unique ? name(url) : UrlRedactor.redact(url), url))
                .toList();
    }

    private static String name(URI url) {
        String path = url.getRawPath() == null ? url.toString() : url.getRawPath();
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.isEmpty() ? UrlRedactor.redact(url) : URLDecoder.decode(last, StandardCharsets.UTF_8);
    }
}
