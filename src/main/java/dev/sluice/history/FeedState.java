package dev.sluice.history;

/** Whether a source publishes as often as its pipeline expects. */
public enum FeedState {
    FRESH,
    LATE
}
