package dev.sluice.extract;

/** The outcome of fetching a remote file (HTTP or S3): not modified since the last load, or a body in a file. */
sealed interface Fetched permits Fetched.NotModified, Fetched.Received {
    Download.Validators validators();

    /** The server answered 304 to the conditional request: the body last loaded is still current. */
    record NotModified(Download.Validators validators) implements Fetched {}

    /** A body, written whole to the file. */
    record Received(Download.Validators validators, BodyCopier.Copied body) implements Fetched {}
}
