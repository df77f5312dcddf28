/**
 * The one place that composes the stages. Entry point: {@link dev.sluice.pipeline.Pipeline#run}, which reads as
 * the run itself: lock, extract, (unchanged?), validate and stage, merge, record, all-or-nothing.
 */
package dev.sluice.pipeline;
