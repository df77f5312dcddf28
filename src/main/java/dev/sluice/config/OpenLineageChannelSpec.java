package dev.sluice.config;

import java.util.Optional;
import java.util.Set;

/**
 * OpenLineage run events for each run: START and COMPLETE, FAIL or ABORT, POSTed as JSON to a lineage endpoint (such
 * as Marquez's {@code /api/v1/lineage}), delivered through the outbox like every notification.
 *
 * @param url       the endpoint
 * @param apiKey    sent as {@code Authorization: Bearer}, when the endpoint wants one
 * @param namespace the job namespace the pipelines are named in
 */
public record OpenLineageChannelSpec(
        String name, Set<NotifyOn> on, Secret url, Optional<Secret> apiKey, String namespace) implements ChannelSpec {
    public OpenLineageChannelSpec {
        on = Set.copyOf(on);
    }
}
