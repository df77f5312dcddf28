package dev.sluice.config;

import java.util.EnumSet;
import java.util.Set;

/**
 * A notification channel: where a run's outcome is sent. Declared in a pipeline file, a shared notifications file
 * or the environment; its secrets are references resolved when the file is read, never written inline.
 */
public sealed interface ChannelSpec
        permits EmailChannelSpec, WebhookChannelSpec, SnsChannelSpec, OpenLineageChannelSpec {
    /**
     * What a channel is told when it does not say: everything but UNCHANGED, which is the quiet normal case (a late
     * feed is told by its transitions, not by each unchanged run).
     */
    Set<NotifyOn> DEFAULT_OUTCOMES =
            Set.copyOf(EnumSet.of(NotifyOn.SUCCEEDED, NotifyOn.FAILED, NotifyOn.SKIPPED_LOCKED, NotifyOn.LATE));

    /** Unique among a pipeline's channels; names the channel in the outbox and in delivery reports. */
    String name();

    /** The outcomes this channel is told about. */
    Set<NotifyOn> on();
}
