package dev.sluice.config;

import java.time.ZoneId;
import java.util.Objects;

/**
 * When {@code sluice serve} runs a pipeline: a cron expression (seconds minutes hours day-of-month month
 * day-of-week) evaluated in {@code zone}.
 */
public record ScheduleSpec(String cron, ZoneId zone) {
    public ScheduleSpec {
        Objects.requireNonNull(cron, "cron");
        Objects.requireNonNull(zone, "zone");
    }
}
