package dev.sluice;

/** A run's outcome. {@code RUNNING} only while it is in progress (or when its process died: see Pipeline). */
public enum RunStatus {
    RUNNING,
    SUCCEEDED,
    UNCHANGED,
    FAILED,
    SKIPPED_LOCKED;

    /** The process exit code for this outcome: 0 success or unchanged, 1 failed, 3 skipped. */
    public int exitCode() {
        return switch (this) {
            case SUCCEEDED, UNCHANGED -> 0;
            case SKIPPED_LOCKED -> 3;
            case FAILED, RUNNING -> 1;
        };
    }
}
