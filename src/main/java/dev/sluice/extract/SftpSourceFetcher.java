package dev.sluice.extract;

import dev.sluice.ErrorKind;
import dev.sluice.Sleeper;
import dev.sluice.config.FetchSettings;
import dev.sluice.config.Secret;
import dev.sluice.config.SftpCredentials;
import dev.sluice.config.SourceLocation;
import dev.sluice.config.SourceSpec;
import dev.sluice.config.Units;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * Fetches an {@code sftp://USER@HOST[:PORT]/PATH} file with Apache MINA SSHD's client: the server's host key checked
 * against the pinned fingerprints or known_hosts before anything is sent (a key neither names is refused, never
 * trusted on first use); a login by password or private key; conditional by size and modification time (the same
 * as the last load's is not read again); the same size limit, deadline and retries as HTTP; and a file that changes
 * while it is read (still being written) is read again, and fails the run if it keeps changing.
 */
final class SftpSourceFetcher implements RemoteFetcher {
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final AddressPolicy addresses;

    SftpSourceFetcher(Sleeper sleeper, RandomGenerator random, AddressPolicy addresses) {
        this.sleeper = sleeper;
        this.random = random;
        this.addresses = addresses;
    }

    /** A failed attempt: whether another may succeed. */
    private static final class AttemptFailed extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean retryable;

        AttemptFailed(String message, boolean retryable, Throwable cause) {
            super(message, cause);
            this.retryable = retryable;
        }
    }

    @Override
    public Fetched fetch(
            SourceSpec source,
            URI url,
            String shownUrl,
            Optional<SourceState> conditional,
            Path file,
            AttemptObserver observer) {
        SftpCredentials login = login(source, url, shownUrl);
        long deadline = System.nanoTime() + source.fetch().deadline().toNanos();
        return withRetries(
                source,
                shownUrl,
                deadline,
                () -> session(
                        source,
                        url,
                        login,
                        sftp -> read(source, url, shownUrl, sftp, conditional, file, observer, deadline)));
    }

    /** The files of a directory on the server a glob matches, in name order: listed at each run. */
    List<URI> list(SourceSpec source, SourceLocation.RemoteGlob glob) {
        String shown = UrlRedactor.redact(glob.directory()) + glob.pattern();
        SftpCredentials login = login(source, glob.directory(), shown);
        long deadline = System.nanoTime() + source.fetch().deadline().toNanos();
        return withRetries(
                source,
                shown,
                deadline,
                () -> session(source, glob.directory(), login, sftp -> matches(source, glob, shown, sftp)));
    }

    private List<URI> matches(SourceSpec source, SourceLocation.RemoteGlob glob, String shown, SftpClient sftp)
            throws IOException {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob.pattern());
        List<String> names = new ArrayList<>();
        try {
            for (SftpClient.DirEntry entry : sftp.readDir(glob.directory().getPath())) {
                String name = entry.getFilename();
                if (entry.getAttributes().isRegularFile() && matcher.matches(Path.of(name))) {
                    names.add(name);
                    if (names.size() > SourceLocation.MAX_FILES) {
                        throw SourceUnavailableException.lastingFailure(
                                source.name(),
                                source.name() + ": " + shown + " matches more than " + SourceLocation.MAX_FILES
                                        + " files",
                                null);
                    }
                }
            }
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                throw SourceUnavailableException.missing(
                        source.name(), source.name() + ": " + shown + ": no such directory", null);
            }
            throw e;
        }
        if (names.isEmpty()) {
            throw SourceUnavailableException.missing(source.name(), source.name() + ": no file matches " + shown, null);
        }
        Collections.sort(names);
        List<URI> files = new ArrayList<>();
        for (String name : names) {
            URI directory = glob.directory();
            try {
                files.add(new URI(
                        directory.getScheme(),
                        directory.getUserInfo(),
                        directory.getHost(),
                        directory.getPort(),
                        directory.getPath() + name,
                        null,
                        null));
            } catch (java.net.URISyntaxException e) {
                throw new IOException("the server lists a file name no URL can hold", e);
            }
        }
        return files;
    }

    private SftpCredentials login(SourceSpec source, URI url, String shownUrl) {
        if (!(source.credentials() instanceof SftpCredentials login)) {
            throw SourceUnavailableException.lastingFailure(
                    source.name(), source.name() + ": " + shownUrl + ": no sftp: login configured", null);
        }
        addresses.sourceRefusal(url).ifPresent(why -> {
            throw SourceUnavailableException.lastingFailure(
                    source.name(), source.name() + ": " + shownUrl + ": refused: " + why, null);
        });
        return login;
    }

    /** Something done in one attempt, which may be tried again. */
    private interface Attempt<T> {
        T run() throws AttemptFailed;
    }

    /** Something done with a logged-in SFTP client. */
    private interface SftpWork<T> {
        T run(SftpClient sftp) throws IOException, AttemptFailed;
    }

    private <T> T withRetries(SourceSpec source, String shownUrl, long deadline, Attempt<T> attempt) {
        FetchSettings settings = source.fetch();
        Backoff backoff = new Backoff(settings, random);
        for (int n = 1; ; n++) {
            try {
                return attempt.run();
            } catch (AttemptFailed failed) {
                String message = source.name() + ": " + shownUrl + ": " + failed.getMessage();
                if (!failed.retryable) {
                    throw SourceUnavailableException.lastingFailure(source.name(), message, null);
                }
                Duration delay = backoff.delay(n, Optional.empty());
                if (n >= settings.attempts() || System.nanoTime() + delay.toNanos() - deadline >= 0) {
                    throw SourceUnavailableException.transientFailure(
                            source.name(), message + (n > 1 ? " (after " + n + " attempts)" : ""), null);
                }
                Backoff.pause(sleeper, source.name(), delay);
            }
        }
    }

    /**
     * Connects, checks the server's host key, logs in, and does {@code work} with an SFTP client; the session ends
     * with it.
     */
    private <T> T session(SourceSpec source, URI url, SftpCredentials login, SftpWork<T> work) throws AttemptFailed {
        FetchSettings settings = source.fetch();
        HostKeyCheck check = new HostKeyCheck(login);
        SshClient client = SshClient.setUpDefaultClient();
        // Only the keys this source names: never the machine's own (~/.ssh), which the pipeline file did not lend.
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setServerKeyVerifier(check);
        CoreModuleProperties.NIO2_READ_TIMEOUT.set(client, settings.readTimeout());
        CoreModuleProperties.IDLE_TIMEOUT.set(client, settings.readTimeout());
        CoreModuleProperties.AUTH_TIMEOUT.set(client, settings.readTimeout());
        client.start();
        int port = url.getPort() > 0 ? url.getPort() : 22;
        try (ClientSession session = client.connect(login.user(), url.getHost(), port)
                .verify(settings.connectTimeout())
                .getSession()) {
            login.password().ifPresent(password -> session.addPasswordIdentity(password.reveal()));
            if (login.privateKey().isPresent()) {
                for (KeyPair key : keys(session, login.privateKey().get(), login.passphrase())) {
                    session.addPublicKeyIdentity(key);
                }
            }
            try {
                session.auth().verify(settings.readTimeout());
            } catch (IOException e) {
                if (check.refusal != null) {
                    throw new AttemptFailed(check.refusal, false, null);
                }
                throw new AttemptFailed(
                        "the server refused the login of " + login.user() + " (" + String.join(", ", login.names())
                                + ")",
                        false,
                        null);
            }
            try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
                return work.run(sftp);
            }
        } catch (AttemptFailed e) {
            throw e;
        } catch (SourceRejectedException | SourceUnavailableException e) {
            throw e;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (check.refusal != null) {
                throw new AttemptFailed(check.refusal, false, null);
            }
            throw new AttemptFailed("SFTP failed: " + describe(e), true, null);
        } finally {
            client.stop();
        }
    }

    private Fetched read(
            SourceSpec source,
            URI url,
            String shownUrl,
            SftpClient sftp,
            Optional<SourceState> conditional,
            Path file,
            AttemptObserver observer,
            long deadline)
            throws IOException, AttemptFailed {
        FetchSettings settings = source.fetch();
        String path = url.getPath();
        SftpClient.Attributes before;
        try {
            before = sftp.stat(path);
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                throw SourceUnavailableException.missing(
                        source.name(), source.name() + ": " + shownUrl + ": no such file", null);
            }
            throw new AttemptFailed(
                    "cannot read the file: " + e.getMessage(),
                    e.getStatus() != SftpConstants.SSH_FX_PERMISSION_DENIED,
                    null);
        }
        String version = version(before);
        if (conditional.flatMap(SourceState::etag).filter(version::equals).isPresent()) {
            return new Fetched.NotModified(new Download.Validators(
                    Optional.of(version), conditional.get().lastModified()));
        }
        if (before.getSize() > settings.maxBytes()) {
            throw new SourceRejectedException(
                    ErrorKind.TOO_LARGE,
                    source.name(),
                    source.name() + ": " + shownUrl + " is " + before.getSize() + " bytes, over the limit of "
                            + Units.formatSize(settings.maxBytes()) + " (fetch.max_bytes)");
        }
        observer.attemptStarted();
        BodyCopier.Copied copied;
        try (InputStream in = sftp.read(path)) {
            copied = BodyCopier.copy(source.name(), in, file, settings.maxBytes(), bytes -> {
                if (System.nanoTime() - deadline > 0) {
                    throw SourceUnavailableException.lastingFailure(
                            source.name(),
                            source.name() + ": " + shownUrl + ": no body within fetch.deadline ("
                                    + Units.format(settings.deadline()) + ")",
                            null);
                }
                observer.copied(bytes);
            });
        }
        SftpClient.Attributes after = sftp.stat(path);
        if (!version(after).equals(version) || copied.bytes() != after.getSize()) {
            throw new AttemptFailed(
                    "the file changed while it was read (" + version + ", then " + version(after) + ", "
                            + copied.bytes() + " bytes read): still being written?",
                    true,
                    null);
        }
        BodySniffer.check(
                source.name(), source.format().syntax(), copied.bytes(), copied.prefix(), copied.prefixLength());
        return new Fetched.Received(new Download.Validators(Optional.of(version), Optional.empty()), copied);
    }

    /** What the conditional compares: the file's size and modification time, as SFTP reports them. */
    private static String version(SftpClient.Attributes attributes) {
        return "size " + attributes.getSize() + ", modified "
                + (attributes.getModifyTime() == null
                        ? "?"
                        : attributes.getModifyTime().toInstant());
    }

    private static Iterable<KeyPair> keys(ClientSession session, Secret key, Optional<Secret> passphrase)
            throws IOException, GeneralSecurityException {
        Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(
                session,
                NamedResource.ofName("private_key"),
                new ByteArrayInputStream(key.reveal().getBytes(StandardCharsets.UTF_8)),
                passphrase.map(p -> FilePasswordProvider.of(p.reveal())).orElse(FilePasswordProvider.EMPTY));
        if (keys == null) {
            throw new GeneralSecurityException("private_key holds no key sluice can read (OpenSSH or PEM)");
        }
        return keys;
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + dev.sluice.Excerpt.of(message, 200));
    }

    /**
     * Accepts the server's key only when a pinned fingerprint or the known_hosts file names it, and remembers why it
     * refused one: the message names the key the server offered, for the operator to compare with the real one.
     */
    private static final class HostKeyCheck implements ServerKeyVerifier {
        private final SftpCredentials login;
        volatile String refusal;

        HostKeyCheck(SftpCredentials login) {
            this.login = login;
        }

        @Override
        public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
            String fingerprint = KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
            boolean accepted = login.knownHosts().isPresent()
                    ? new KnownHostsServerKeyVerifier(
                                    RejectAllServerKeyVerifier.INSTANCE,
                                    login.knownHosts().get())
                            .verifyServerKey(session, remote, key)
                    : login.fingerprints().contains(fingerprint);
            if (!accepted) {
                refusal = "the server's host key " + fingerprint + " (" + KeyUtils.getKeyType(key) + ") is not "
                        + (login.knownHosts().isPresent()
                                ? "in known_hosts " + login.knownHosts().get()
                                : "the pinned " + String.join(" or ", login.fingerprints()))
                        + ": refused before logging in (a new server key is trusted only when the pipeline says so)";
            }
            return accepted;
        }
    }
}
