package dev.sluice.extract;

/** Told when an attempt starts writing a download's file anew, and how far it got: a reader may be following it. */
interface AttemptObserver {
    void attemptStarted();

    void copied(long bytes);
}
