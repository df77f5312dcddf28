package dev.sluice.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a source's files are: one URL, a list of them, the files a glob matches, or a URL template over dates (one
 * file per day). The files of a source share one schema and their rows are one source. Which files a glob or a
 * template means is decided when the source is fetched: the directory's content and today's date change.
 */
public sealed interface SourceLocation
        permits SourceLocation.Single,
                SourceLocation.Listed,
                SourceLocation.Glob,
                SourceLocation.RemoteGlob,
                SourceLocation.DateTemplate {

    /** For local files, the directories they must stay in (checked at every read); empty for remote files. */
    Optional<Confinement> confinement();

    /** What {@code sluice check} shows. */
    String describe();

    /** One file ({@code https:}, {@code http:}, {@code file:} or {@code s3:}). */
    record Single(URI url, Optional<Confinement> confinement) implements SourceLocation {
        public Single {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(confinement, "confinement");
        }

        @Override
        public String describe() {
            return url.toString();
        }
    }

    /** Several files, in this order. */
    record Listed(List<URI> urls, Optional<Confinement> confinement) implements SourceLocation {
        public Listed {
            urls = List.copyOf(urls);
            Objects.requireNonNull(confinement, "confinement");
        }

        @Override
        public String describe() {
            return urls.size() + " files: " + urls;
        }
    }

    /** The most files a source reads: each is a request, a state row and a cached body. */
    int MAX_FILES = 10_000;

    /** The longest URL or path: servers refuse longer ones (8 KiB at most, 2 KiB often). */
    int MAX_URL_CHARS = 2_048;

    /**
     * The most characters a source's addresses may take together (files times the length of each): a long template
     * over many days was a gigabyte of strings before a byte was read (the pipeline file controls both).
     */
    long MAX_ADDRESS_CHARS = 4_000_000;

    /** The local files a glob matches ({@code *} and {@code ?} in the last name), in name order. */
    record Glob(Path directory, String pattern, Confinement within) implements SourceLocation {
        public Glob {
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(within, "within");
        }

        @Override
        public Optional<Confinement> confinement() {
            return Optional.of(within);
        }

        @Override
        public String describe() {
            return directory.resolve(pattern) + " (every matching file, in name order)";
        }
    }

    /**
     * The files of a server's directory a glob matches ({@code *} and {@code [...]} in the last name), listed at
     * each run, in name order: for {@code sftp://} sources.
     *
     * @param directory the directory's URL, ending with {@code /}
     */
    record RemoteGlob(URI directory, String pattern) implements SourceLocation {
        public RemoteGlob {
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(pattern, "pattern");
        }

        @Override
        public Optional<Confinement> confinement() {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return directory + pattern + " (every matching file, in name order)";
        }
    }

    /**
     * One file per date: {@code {date:PATTERN}} in the template is each date of the window, written with the pattern
     * ({@code https://example.org/{date:MM-dd-yyyy}.csv}).
     *
     * @param template a URL, or for local files (those with a confinement) an absolute path
     * @param missing  what a date whose file is not published (404, no such file) does to the run
     */
    record DateTemplate(String template, Dates dates, MissingFiles missing, Optional<Confinement> confinement)
            implements SourceLocation {
        private static final Pattern PLACEHOLDER = Pattern.compile("\\{date:([^}]+)}");

        public DateTemplate {
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(dates, "dates");
            Objects.requireNonNull(missing, "missing");
            Objects.requireNonNull(confinement, "confinement");
        }

        /** Whether {@code text} holds a {@code {date:PATTERN}} placeholder. */
        public static boolean isTemplate(String text) {
            return PLACEHOLDER.matcher(text).find();
        }

        /** The most characters one file's address takes: the template, each placeholder written as 32 at most. */
        public static int longestExpansion(String text) {
            return text.length()
                    + 32 * (int) PLACEHOLDER.matcher(text).results().count();
        }

        /**
         * The file of one date.
         *
         * @throws IllegalArgumentException when a placeholder's pattern is invalid, or the result is not a URL
         */
        public URI url(LocalDate date) {
            Matcher placeholders = PLACEHOLDER.matcher(template);
            StringBuilder out = new StringBuilder();
            while (placeholders.find()) {
                String written = DateTimeFormatter.ofPattern(placeholders.group(1), Locale.ENGLISH)
                        .format(date);
                placeholders.appendReplacement(out, Matcher.quoteReplacement(written));
            }
            placeholders.appendTail(out);
            if (confinement.isPresent()) {
                return Path.of(out.toString()).toUri();
            }
            try {
                return new URI(out.toString());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not a valid URL for " + date + ": " + e.getReason(), e);
            }
        }

        /** The window's dates, oldest first, for a day that is {@code today} in the window's zone. */
        public List<LocalDate> window(LocalDate today) {
            LocalDate first = dates.last().isPresent()
                    ? today.minusDays(dates.last().getAsInt() - 1L)
                    : dates.from().orElseThrow();
            return first.isAfter(today)
                    ? List.of()
                    : first.datesUntil(today.plusDays(1)).toList();
        }

        @Override
        public String describe() {
            return template + " for " + dates.describe()
                    + (missing == MissingFiles.SKIP ? ", skipping dates not" + " published" : ", every date required");
        }
    }

    /**
     * The dates of a template: the last {@code last} days up to today, or every day from {@code from} to today, in
     * {@code zone}.
     */
    record Dates(OptionalInt last, Optional<LocalDate> from, ZoneId zone) {
        public Dates {
            Objects.requireNonNull(last, "last");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(zone, "zone");
            if (last.isPresent() == from.isPresent()) {
                throw new IllegalArgumentException("dates are the last N days or every day from a date");
            }
        }

        String describe() {
            return last.isPresent() ? "the last " + last.getAsInt() + " days" : "every day from " + from.get();
        }
    }

    /** What a file that is not there does: fail the run, or leave it out with a warning. */
    enum MissingFiles {
        FAIL,
        SKIP
    }
}
