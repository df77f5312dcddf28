package dev.sluice.config;

import dev.sluice.RunStatus;

/**
 * What a channel can be told about: each outcome of a run, and a feed's freshness changing (late, or fresh again).
 * A channel's {@code on} list names them in lower case.
 */
public enum NotifyOn {
    SUCCEEDED,
    UNCHANGED,
    FAILED,
    SKIPPED_LOCKED,
    /** A source went late, or recovered: told once per transition, never daily. */
    LATE;

    /** The subscription a run's outcome answers to; a run still RUNNING is never notified. */
    public static NotifyOn of(RunStatus status) {
        return switch (status) {
            case SUCCEEDED -> SUCCEEDED;
            case UNCHANGED -> UNCHANGED;
            case FAILED, RUNNING -> FAILED;
            case SKIPPED_LOCKED -> SKIPPED_LOCKED;
        };
    }
}
