package dev.sluice.config;

import java.util.List;

/** What a source authenticates with: HTTP headers ({@link HttpCredentials}) or an SSH login ({@link SftpCredentials}). */
public sealed interface SourceCredentials permits HttpCredentials, SftpCredentials {
    /** What is sent, by name, for messages: never a value. */
    List<String> names();

    boolean isEmpty();
}
