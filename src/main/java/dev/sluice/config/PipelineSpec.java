package dev.sluice.config;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated pipeline file. Instances are immutable and always valid: {@link PipelineFileReader} is the only
 * way to make one from a file, and it reports every problem with the file's name, line and field.
 *
 * @param name        the pipeline's name, unique per database
 * @param description one line for humans
 * @param origin      where the definition came from ({@code bundled:covid-us} or a file path)
 * @param fingerprint sha256 of the definition's text: a run whose data is unchanged but whose definition changed
 *                    still loads
 * @param schedule    when {@code serve} runs it, if ever
 * @param sources     the sources, in declaration order (the first is the left side of a join)
 * @param join        how sources are joined; present when there are several
 * @param target      the table written
 * @param invalidRows what to do with invalid rows, and how many problems a run collects before it only counts them
 * @param notifications where run outcomes are sent, besides the log
 * @param dashboard   how the dashboard shows the target, or empty for the generic view
 * @param freshness   how often each source is expected to publish: when it is late
 * @param expectations what the table must look like before a run may commit
 */
public record PipelineSpec(
        String name,
        String description,
        String origin,
        String fingerprint,
        Optional<ScheduleSpec> schedule,
        List<SourceSpec> sources,
        Optional<JoinSpec> join,
        TargetSpec target,
        InvalidRows invalidRows,
        List<ChannelSpec> notifications,
        Optional<DashboardSpec> dashboard,
        Freshness freshness,
        List<Expectation> expectations) {
    public PipelineSpec {
        Objects.requireNonNull(freshness, "freshness");
        expectations = List.copyOf(expectations);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(invalidRows, "invalidRows");
        sources = List.copyOf(sources);
        notifications = List.copyOf(notifications);
    }

    /** The same pipeline with other sources (other URLs or download settings). */
    public PipelineSpec withSources(List<SourceSpec> otherSources) {
        return new PipelineSpec(
                name,
                description,
                origin,
                fingerprint,
                schedule,
                otherSources,
                join,
                target,
                invalidRows,
                notifications,
                dashboard,
                freshness,
                expectations);
    }

    /** The same pipeline on another schedule, or on none. */
    public PipelineSpec withSchedule(Optional<ScheduleSpec> otherSchedule) {
        return new PipelineSpec(
                name,
                description,
                origin,
                fingerprint,
                otherSchedule,
                sources,
                join,
                target,
                invalidRows,
                notifications,
                dashboard,
                freshness,
                expectations);
    }

    /** The same pipeline expecting other publication rates (or none: {@link Freshness#NONE}). */
    public PipelineSpec withFreshness(Freshness other) {
        return new PipelineSpec(
                name,
                description,
                origin,
                fingerprint,
                schedule,
                sources,
                join,
                target,
                invalidRows,
                notifications,
                dashboard,
                other,
                expectations);
    }

    /** The same pipeline with another dashboard view. */
    public PipelineSpec withDashboard(DashboardSpec view) {
        return new PipelineSpec(
                name,
                description,
                origin,
                fingerprint,
                schedule,
                sources,
                join,
                target,
                invalidRows,
                notifications,
                Optional.of(view),
                freshness,
                expectations);
    }

    /**
     * The date or time column of the target's key, which the dashboard charts over; empty when the key has none.
     */
    public Optional<TargetColumn> timeKey() {
        return target.timeKey();
    }

    /**
     * The rest of the key besides the time: what tells one series from another (a country, a county, a maturity).
     */
    public List<TargetColumn> seriesKeys() {
        Optional<TargetColumn> time = timeKey();
        return target.keyColumns().stream()
                .filter(c -> time.map(t -> !t.equals(c)).orElse(true))
                .toList();
    }

    /** The same pipeline as if its file had another content: for tests of definition changes. */
    public PipelineSpec withFingerprint(String otherFingerprint) {
        return new PipelineSpec(
                name,
                description,
                origin,
                otherFingerprint,
                schedule,
                sources,
                join,
                target,
                invalidRows,
                notifications,
                dashboard,
                freshness,
                expectations);
    }

    /**
     * The pipeline with more channels (from the environment or a shared notifications file). A name used twice
     * is a configuration error: deliveries are tracked by channel name.
     */
    public PipelineSpec withMoreChannels(List<ChannelSpec> more) {
        List<ChannelSpec> all = new java.util.ArrayList<>(notifications);
        for (ChannelSpec channel : more) {
            if (all.stream().anyMatch(c -> c.name().equals(channel.name()))) {
                throw new PipelineConfigException(
                        origin, 0, "notifications", "two channels are named '" + channel.name() + "'");
            }
            all.add(channel);
        }
        return new PipelineSpec(
                name,
                description,
                origin,
                fingerprint,
                schedule,
                sources,
                join,
                target,
                invalidRows,
                all,
                dashboard,
                freshness,
                expectations);
    }

    public Optional<SourceSpec> source(String sourceName) {
        return sources.stream().filter(s -> s.name().equals(sourceName)).findFirst();
    }

    /**
     * The same pipeline reading some sources from other URLs ({@code --source NAME=URL}). Unknown source names
     * are a configuration error.
     */
    public PipelineSpec withSourceUrls(Map<String, URI> overrides) {
        for (String sourceName : overrides.keySet()) {
            if (source(sourceName).isEmpty()) {
                throw new PipelineConfigException(
                        origin,
                        0,
                        "--source",
                        "unknown source '" + sourceName + "'; the pipeline's sources are "
                                + sources.stream().map(SourceSpec::name).toList());
            }
        }
        return withSources(sources.stream()
                .map(s -> overrides.containsKey(s.name()) ? s.withUrl(overrides.get(s.name())) : s)
                .toList());
    }
}
