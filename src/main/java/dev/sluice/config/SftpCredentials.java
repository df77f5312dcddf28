package dev.sluice.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How an {@code sftp://} source logs in and knows its server: a password or a private key (with its passphrase), from
 * secret references; and the server's host key pinned, by fingerprint ({@code SHA256:...}, as {@code ssh-keygen -lf}
 * prints it) or by a {@code known_hosts} file. A server whose key is neither is refused before anything is sent to
 * it: never trusted on first use.
 *
 * @param user        the login, from the URL
 * @param password    a password, or empty
 * @param privateKey  a private key in OpenSSH or PEM form, or empty
 * @param passphrase  the private key's passphrase, or empty
 * @param fingerprints the host keys accepted, as fingerprints; empty with a known_hosts file
 * @param knownHosts  a known_hosts file's path, under SLUICE_SECRET_DIRS; empty with fingerprints
 */
public record SftpCredentials(
        String user,
        Optional<Secret> password,
        Optional<Secret> privateKey,
        Optional<Secret> passphrase,
        List<String> fingerprints,
        Optional<java.nio.file.Path> knownHosts)
        implements SourceCredentials {
    public SftpCredentials {
        Objects.requireNonNull(user, "user");
        fingerprints = List.copyOf(fingerprints);
        if (password.isEmpty() && privateKey.isEmpty()) {
            throw new IllegalArgumentException("a password or a private key");
        }
        if (fingerprints.isEmpty() == knownHosts.isEmpty()) {
            throw new IllegalArgumentException("host_key or known_hosts");
        }
    }

    @Override
    public List<String> names() {
        List<String> names = new ArrayList<>();
        password.ifPresent(p -> names.add("password"));
        privateKey.ifPresent(p -> names.add("private_key"));
        return names;
    }

    @Override
    public boolean isEmpty() {
        return false;
    }
}
