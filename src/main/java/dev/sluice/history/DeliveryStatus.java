package dev.sluice.history;

/** Where a run's notification to one channel stands. */
public enum DeliveryStatus {
    /** To be delivered, or retried after a failed attempt. */
    PENDING,
    /** Delivered. */
    DELIVERED,
    /** Every attempt failed; no more will be made. */
    GAVE_UP
}
