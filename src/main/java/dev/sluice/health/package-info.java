/**
 * Health: whether each feed publishes as often as its pipeline expects ({@code expect:}). {@link
 * dev.sluice.health.FeedHealth} judges each expected source (the verdict is {@code FreshnessCheck}'s), keeps its
 * state in {@code sluice.feed_health}, records each transition (late, recovered) in {@code sluice.feed_events} and
 * enqueues its notifications in the caller's transaction. Runs, {@code serve} between runs and the function call it;
 * {@code sluice status}, the dashboard and the metrics read its states.
 */
package dev.sluice.health;
