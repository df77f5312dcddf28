/**
 * Schedule: {@code sluice serve}'s runs. {@link dev.sluice.schedule.PipelineScheduler} runs pipelines on their cron
 * schedules with db-scheduler (persistent, exactly once across replicas, missed runs caught up once);
 * {@link dev.sluice.schedule.PipelineService} adds manual runs, notification delivery and graceful shutdown.
 */
package dev.sluice.schedule;
