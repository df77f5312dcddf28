package dev.sluice.schedule;

import dev.sluice.SluiceException;
import dev.sluice.config.PipelineSpec;
import dev.sluice.config.ServedPipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline files a serving process runs: those named on the command line, and every {@code .yaml} or
 * {@code .yml} file of a directory, read again at an interval so that a file added, changed or removed is picked up
 * without a restart (a Kubernetes ConfigMap mounted as a directory changes so). A file that cannot be read is
 * reported, and does not stop the others; one that was good before goes on running as it was then read, so a typo
 * saved into a running feed's file stops nothing. Entry points: {@link #read}, {@link #watch}.
 */
public final class PipelineFiles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineFiles.class);

    private final List<String> named;
    private final Optional<Path> directory;
    private final Function<String, PipelineSpec> reader;
    private final Clock clock;
    /** Each file's last good reading, and since when a file has been unreadable. */
    private final Map<String, PipelineSpec> lastGood = new HashMap<>();

    private final Map<String, Instant> brokenSince = new HashMap<>();
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sluice-pipeline-files");
        thread.setDaemon(true);
        return thread;
    });
    private volatile ServedPipelines current = ServedPipelines.of(List.of());

    /**
     * @param named     pipeline files or bundled names given one by one: they must be readable at start-up
     * @param directory a directory whose pipeline files are served, whatever they are at each reading
     * @param reader    reads one file or bundled name, as every command does
     */
    public PipelineFiles(
            List<String> named, Optional<Path> directory, Function<String, PipelineSpec> reader, Clock clock) {
        this.named = List.copyOf(named);
        this.directory = Objects.requireNonNull(directory, "directory");
        this.reader = reader;
        this.clock = clock;
    }

    /** What is served now. */
    public ServedPipelines current() {
        return current;
    }

    /**
     * Reads every file. At start-up, a file named on the command line that cannot be read fails, as it always has;
     * afterwards, and for the directory's files always, it is reported and the others go on.
     *
     * @throws SluiceException at start-up, for a named file that cannot be read
     */
    public synchronized ServedPipelines read() {
        boolean first = lastGood.isEmpty() && brokenSince.isEmpty();
        Map<String, PipelineSpec> byName = new LinkedHashMap<>();
        List<ServedPipelines.Unreadable> unreadable = new ArrayList<>();
        for (String file : files()) {
            PipelineSpec spec;
            try {
                spec = reader.apply(file);
                lastGood.put(file, spec);
                if (brokenSince.remove(file) != null) {
                    LOG.info("{} can be read again: pipeline {} runs as it says now", file, spec.name());
                }
            } catch (SluiceException e) {
                if (first && named.contains(file)) {
                    throw e;
                }
                Instant since = brokenSince.computeIfAbsent(file, f -> {
                    LOG.error("{} cannot be read; the other pipelines go on: {}", f, e.getMessage());
                    return clock.instant();
                });
                spec = lastGood.get(file);
                unreadable.add(new ServedPipelines.Unreadable(
                        file, e.getMessage(), since, Optional.ofNullable(spec).map(PipelineSpec::name)));
                if (spec == null) {
                    continue;
                }
            }
            PipelineSpec other = byName.putIfAbsent(spec.name(), spec);
            if (other != null && other != spec) {
                unreadable.add(new ServedPipelines.Unreadable(
                        file,
                        file + ": another file already defines pipeline '" + spec.name() + "' (" + other.origin() + ")",
                        brokenSince.computeIfAbsent(file, f -> clock.instant()),
                        Optional.empty()));
            }
        }
        lastGood.keySet().retainAll(files());
        brokenSince.keySet().retainAll(files());
        current = new ServedPipelines(List.copyOf(byName.values()), unreadable);
        return current;
    }

    /** The files named, then the directory's pipeline files in name order. */
    private List<String> files() {
        List<String> files = new ArrayList<>(named);
        directory.ifPresent(dir -> {
            try {
                files.addAll(filesIn(dir));
            } catch (IOException e) {
                LOG.error("cannot list the pipeline directory {}: {}", dir, e.getMessage());
            }
        });
        return files;
    }

    /** A directory's pipeline files ({@code *.yaml}, {@code *.yml}, not hidden), in name order. */
    public static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> {
                        String name = p.getFileName().toString();
                        // Kubernetes mounts a ConfigMap's files beside its own hidden ..data entries.
                        return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml"));
                    })
                    .filter(Files::isRegularFile)
                    .map(Path::toString)
                    .sorted()
                    .toList();
        }
    }

    /**
     * Reads the files again every {@code interval} and tells {@code onChange} when what is served changed (a
     * pipeline added, removed, or its file's text changed; a file broken or mended).
     */
    public void watch(Duration interval, Consumer<ServedPipelines> onChange) {
        watcher.scheduleWithFixedDelay(
                () -> {
                    try {
                        ServedPipelines before = current;
                        ServedPipelines now = read();
                        if (!sameFiles(before, now)) {
                            LOG.info(
                                    "pipeline files changed: now serving {}",
                                    now.pipelines().stream()
                                            .map(PipelineSpec::name)
                                            .toList());
                            onChange.accept(now);
                        }
                    } catch (RuntimeException e) {
                        LOG.error("reading the pipeline files failed; trying again in {}", interval, e);
                    }
                },
                interval.toMillis(),
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private static boolean sameFiles(ServedPipelines a, ServedPipelines b) {
        return a.pipelines().stream()
                        .map(PipelineSpec::fingerprint)
                        .toList()
                        .equals(b.pipelines().stream()
                                .map(PipelineSpec::fingerprint)
                                .toList())
                && a.unreadable().stream()
                        .map(ServedPipelines.Unreadable::file)
                        .toList()
                        .equals(b.unreadable().stream()
                                .map(ServedPipelines.Unreadable::file)
                                .toList());
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
