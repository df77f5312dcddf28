package dev.sluice.pipeline;

import dev.sluice.ErrorKind;
import dev.sluice.RunStatus;
import dev.sluice.SettableClock;
import dev.sluice.SluiceException;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.SourceSpec;
import dev.sluice.extract.GitPublications;
import dev.sluice.history.Run;
import dev.sluice.history.Trigger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code sluice backfill}: a feed's past publications replayed into its table, oldest first, each as its own run
 * (the same validation, counts, change log and expectations) as of its publication's time: the clock the pipeline
 * runs on is set to it, so a history table's versions start when the publisher said so. The past publications come
 * from a local clone's history of the files, or from a date template's past days. A replayed run is told to nobody
 * and judges no freshness. The first failure stops the backfill: what follows would be replayed on a gap.
 */
public final class Backfill {
    private final Pipeline pipeline;
    private final SettableClock clock;

    /** @param pipeline a pipeline built on {@code clock} */
    public Backfill(Pipeline pipeline, SettableClock clock) {
        this.pipeline = pipeline;
        this.clock = clock;
    }

    /** One replayed publication: which (a commit, a date), as of when, and its run. */
    public record Replayed(String publication, Instant at, Run run) {}

    /**
     * Replays every commit that changed the sources' files, oldest first.
     *
     * @param paths     each source's file inside the repository; every source of the pipeline needs one
     * @param workspace where each publication's files are written out while it is loaded
     */
    public List<Replayed> fromGit(
            PipelineSpec spec,
            Path repository,
            Map<String, String> paths,
            Optional<Instant> since,
            Path workspace,
            Consumer<Replayed> each) {
        List<String> missing = spec.sources().stream()
                .map(SourceSpec::name)
                .filter(name -> !paths.containsKey(name))
                .toList();
        List<String> unknown = paths.keySet().stream()
                .filter(name -> spec.source(name).isEmpty())
                .toList();
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            throw new SluiceException(
                    ErrorKind.CONFIG,
                    "--path SOURCE=FILE names each source's file in the repository; "
                            + (missing.isEmpty() ? "" : "missing: " + missing + " ")
                            + (unknown.isEmpty() ? "" : "not sources of " + spec.name() + ": " + unknown));
        }
        List<Replayed> replayed = new ArrayList<>();
        try (GitPublications git = GitPublications.open(repository, paths)) {
            for (GitPublications.Publication publication : git.publications(since)) {
                Path directory = Files.createDirectories(workspace).resolve("backfill-" + publication.commit());
                Files.createDirectories(directory);
                try {
                    Map<String, URI> files = new LinkedHashMap<>();
                    git.writeOut(publication, directory).forEach((source, file) -> files.put(source, file.toUri()));
                    Replayed one = new Replayed(
                            publication.commit().substring(0, 12) + " " + publication.message(),
                            publication.at(),
                            replay(spec.withSourceUrls(files), publication.at()));
                    replayed.add(one);
                    each.accept(one);
                    if (one.run().status() == RunStatus.FAILED) {
                        break;
                    }
                } finally {
                    delete(directory);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return replayed;
    }

    /** Replays each day from {@code from} to {@code to}, at noon UTC: what a date template read that day. */
    public List<Replayed> overDates(PipelineSpec spec, LocalDate from, LocalDate to, Consumer<Replayed> each) {
        List<Replayed> replayed = new ArrayList<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            Instant at = day.atTime(12, 0).toInstant(ZoneOffset.UTC);
            Replayed one = new Replayed(day.toString(), at, replay(spec, at));
            replayed.add(one);
            each.accept(one);
            if (one.run().status() == RunStatus.FAILED) {
                break;
            }
        }
        return replayed;
    }

    private Run replay(PipelineSpec spec, Instant at) {
        clock.set(at);
        return pipeline.run(spec, RunRequest.of(Trigger.BACKFILL));
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
