/**
 * The one place that composes the stages. Entry point: {@link dev.sluice.pipeline.Pipeline#runAndDeliver}, which
 * every front end uses (run, serve, run-now, demo), and {@link dev.sluice.pipeline.Pipeline#run}, which reads as the
 * run itself: lock, fetch, unchanged?, validate and stage each source, merge, record, all-or-nothing.
 */
package dev.sluice.pipeline;
