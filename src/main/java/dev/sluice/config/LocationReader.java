package dev.sluice.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads where a source's files are: {@code url:} (one URL, or a template over dates), {@code urls:} (a list),
 * {@code file:} (a local file, glob or template, relative to the pipeline file), with {@code dates:} and
 * {@code missing:} for templates. Local files are confined to the pipeline file's directory (see {@link Trust}).
 */
final class LocationReader {
    static final List<String> FIELDS = List.of("url", "urls", "file", "dates", "missing");

    private final Trust trust;
    private final Optional<Path> baseDir;

    /**
     * @param baseDir the pipeline file's directory, against which relative paths resolve and inside which they must
     *                stay; empty for bundled pipelines, which may not read local files
     */
    LocationReader(Trust trust, Optional<Path> baseDir) {
        this.trust = trust;
        this.baseDir = baseDir;
    }

    SourceLocation read(ConfigNode node) {
        int given = (node.has("url") ? 1 : 0) + (node.has("urls") ? 1 : 0) + (node.has("file") ? 1 : 0);
        if (given != 1) {
            throw node.error("needs exactly one of url (one URL, or a template over dates), urls (a list) and file (a"
                    + " local file or glob)");
        }
        boolean template = node.has("url") && SourceLocation.DateTemplate.isTemplate(node.text("url"))
                || node.has("file") && SourceLocation.DateTemplate.isTemplate(node.text("file"));
        if (!template && (node.has("dates") || node.has("missing"))) {
            throw node.error(
                    node.has("dates") ? "dates" : "missing", "is for a URL or file template with {date:PATTERN}");
        }
        if (template) {
            return readTemplate(node);
        }
        if (node.has("urls")) {
            List<ConfigNode> items = node.list("urls");
            if (items.size() > SourceLocation.MAX_FILES) {
                throw node.error("urls", "lists more than " + SourceLocation.MAX_FILES + " files");
            }
            List<URI> urls = new ArrayList<>();
            Optional<Confinement> confinement = Optional.empty();
            long characters = 0;
            for (ConfigNode item : items) {
                characters += item.asText().length();
                if (characters > SourceLocation.MAX_ADDRESS_CHARS) {
                    throw node.error(
                            "urls",
                            String.format(
                                    Locale.ROOT,
                                    "lists more than %,d characters of addresses",
                                    SourceLocation.MAX_ADDRESS_CHARS));
                }
                Located located = url(node, "urls", item.asText().trim());
                if (urls.contains(located.url())) {
                    throw node.error("urls", "lists " + located.url() + " twice");
                }
                urls.add(located.url());
                confinement = confinement.or(located::confinement);
            }
            return new SourceLocation.Listed(urls, confinement);
        }
        if (node.has("url")) {
            String text = node.text("url").trim();
            int slash = text.lastIndexOf('/');
            String name = slash < 0 ? "" : text.substring(slash + 1);
            if (text.toLowerCase(Locale.ROOT).startsWith("sftp:") && (name.contains("*") || name.contains("["))) {
                // A glob on a server: its directory is listed at each run. A ? would start the URL's query.
                Located directory = url(node, "url", text.substring(0, slash + 1) + "_");
                URI dir = directory.url().resolve(".");
                if (isGlob(dir.getPath())) {
                    throw node.error("url", "a glob may use * and [...] in the file name only, not in directories");
                }
                return new SourceLocation.RemoteGlob(dir, name);
            }
            Located located = url(node, "url", text);
            return new SourceLocation.Single(located.url(), located.confinement());
        }
        String file = node.text("file").trim();
        Path path = local(node, "file", file);
        if (isGlob(path.getFileName().toString())) {
            if (isGlob(path.getParent().toString())) {
                throw node.error("file", "a glob may use * and ? in the file name only, not in directories");
            }
            return new SourceLocation.Glob(
                    path.getParent(), path.getFileName().toString(), trust.fileConfinement(baseDir.orElseThrow()));
        }
        return new SourceLocation.Single(path.toUri(), Optional.of(trust.fileConfinement(baseDir.orElseThrow())));
    }

    private static boolean isGlob(String name) {
        return name.indexOf('*') >= 0 || name.indexOf('?') >= 0 || name.indexOf('[') >= 0;
    }

    private SourceLocation readTemplate(ConfigNode node) {
        String field = node.has("url") ? "url" : "file";
        String text = node.text(field).trim();
        checkLength(node, field, text);
        if (!node.has("dates")) {
            throw node.error(
                    "dates", "a template with {date:PATTERN} needs dates: { last: N } or { from: YYYY-MM-DD }");
        }
        ConfigNode dates = node.child("dates");
        dates.allowOnly("last", "from", "zone");
        if (dates.has("last") == dates.has("from")) {
            throw dates.error("needs either last (a number of days up to today) or from (a first date)");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(dates.optionalText("zone").orElse("UTC").trim());
        } catch (DateTimeException e) {
            throw dates.error("zone", "unknown time zone '" + dates.text("zone") + "'");
        }
        OptionalInt last = dates.has("last")
                ? OptionalInt.of(dates.integer("last", 1, 1, SourceLocation.MAX_FILES))
                : OptionalInt.empty();
        int longest = SourceLocation.DateTemplate.longestExpansion(text);
        if (last.isPresent() && (long) last.getAsInt() * longest > SourceLocation.MAX_ADDRESS_CHARS) {
            throw dates.error(
                    "last",
                    String.format(
                            Locale.ROOT,
                            "%,d days of a %,d-character address make more than %,d characters of addresses: fewer"
                                    + " days, or a shorter address",
                            last.getAsInt(),
                            longest,
                            SourceLocation.MAX_ADDRESS_CHARS));
        }
        Optional<LocalDate> from = Optional.empty();
        if (dates.has("from")) {
            try {
                from = Optional.of(LocalDate.parse(dates.text("from").trim()));
            } catch (DateTimeParseException e) {
                throw dates.error("from", "expected a date such as 2021-03-01, found '" + dates.text("from") + "'");
            }
        }
        SourceLocation.MissingFiles missing =
                node.enumValue("missing", SourceLocation.MissingFiles.class, SourceLocation.MissingFiles.FAIL);
        SourceLocation.Dates window = new SourceLocation.Dates(last, from, zone);
        SourceLocation.DateTemplate template;
        if (field.equals("file")) {
            Path path = local(node, field, text);
            template = new SourceLocation.DateTemplate(
                    path.toString(), window, missing, Optional.of(trust.fileConfinement(baseDir.orElseThrow())));
        } else {
            template = new SourceLocation.DateTemplate(text, window, missing, Optional.empty());
        }
        try {
            // A date whose every field has two digits shows a pattern's mistakes; the URL it makes is checked too.
            URI sample = template.url(LocalDate.of(2021, 11, 22));
            if (field.equals("url")) {
                url(node, field, sample.toString());
            }
        } catch (IllegalArgumentException | DateTimeException e) {
            throw node.error(field, "not a valid template: " + e.getMessage());
        }
        return template;
    }

    /** Where a source is, and for a local file, the directories it must stay in. */
    private record Located(URI url, Optional<Confinement> confinement) {}

    /** A URL or path is bounded: the pipeline file controls it, and a run keeps every file's address. */
    private static void checkLength(ConfigNode node, String field, String text) {
        if (text.length() > SourceLocation.MAX_URL_CHARS) {
            throw node.error(
                    field,
                    String.format(
                            Locale.ROOT,
                            "is %,d characters long; a URL or path is at most %,d",
                            text.length(),
                            SourceLocation.MAX_URL_CHARS));
        }
    }

    private Located url(ConfigNode node, String field, String text) {
        checkLength(node, field, text);
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw node.error(field, "not a valid URL: " + e.getReason());
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "https", "http" -> {
                if (url.getHost() == null) {
                    throw node.error(field, "has no host");
                }
                return new Located(url, Optional.empty());
            }
            case "s3" -> {
                if (url.getHost() == null
                        || url.getPath() == null
                        || url.getPath().length() < 2) {
                    throw node.error(field, "an S3 object is s3://BUCKET/KEY");
                }
                return new Located(url, Optional.empty());
            }
            case "sftp" -> {
                if (url.getHost() == null
                        || url.getPath() == null
                        || url.getPath().length() < 2) {
                    throw node.error(field, "an SFTP file is sftp://USER@HOST[:PORT]/PATH");
                }
                if (url.getUserInfo() == null || url.getUserInfo().isEmpty()) {
                    throw node.error(field, "names no user: sftp://USER@HOST/PATH");
                }
                if (url.getUserInfo().contains(":")) {
                    // The password would be in the file, the run records and every message that shows the URL.
                    throw node.error(
                            field,
                            "holds a password; secrets are never written inline: use sftp: {password: {env: NAME}}");
                }
                return new Located(url, Optional.empty());
            }
            case "file" -> {
                return new Located(
                        fileUrl(node, field, url).toUri(), Optional.of(trust.fileConfinement(baseDir.orElseThrow())));
            }
            default -> throw node.error(field, "must start with https:, http:, s3:, sftp: or file:");
        }
    }

    private Path fileUrl(ConfigNode node, String field, URI url) {
        String raw = url.getSchemeSpecificPart();
        if (raw.startsWith("//")) {
            // file://HOST/path: only this machine's files, however the host is spelled.
            String host = url.getAuthority() == null ? "" : url.getAuthority();
            if (!host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
                throw node.error(field, "a file: URL cannot name another host ('" + host + "')");
            }
            raw = url.getPath() == null ? "" : url.getPath();
        }
        return local(node, field, raw);
    }

    /**
     * A pipeline file may read local files only inside its own directory (or a configured extra root), so that a
     * pipeline file from elsewhere cannot make sluice load, and then display, any file the process can read. The
     * real path is checked now, and again each time the file is read (a link may appear in between).
     */
    private Path local(ConfigNode node, String field, String raw) {
        checkLength(node, field, raw);
        if (baseDir.isEmpty()) {
            throw node.error(field, "a bundled pipeline cannot read local files; use --source NAME=file:...");
        }
        Path path = baseDir.get().resolve(raw).normalize();
        Confinement confinement = trust.fileConfinement(baseDir.get());
        // A glob or template is checked by its directory: the names it will match are not known yet.
        Path checked = isGlob(path.getFileName().toString())
                        || SourceLocation.DateTemplate.isTemplate(
                                path.getFileName().toString())
                ? path.getParent()
                : path;
        confinement.refusal(checked).ifPresent(why -> {
            throw node.error(field, "file " + why + ": the pipeline file's directory, and those in SLUICE_FILE_ROOTS");
        });
        return path;
    }
}
