package dev.sluice.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A loopback SFTP server (Apache MINA SSHD's) over {@code root}, with a host key of its own, for the user
 * {@code feed} by password or by {@code clientKey} (if not null); it counts logins and file reads.
 */
public final class SftpServer implements AutoCloseable {
    private final SshServer ssh = SshServer.setUpDefaultServer();
    private final KeyPair hostKey;
    /** Logins tried with a password, right or wrong. */
    public final AtomicInteger passwordsTried = new AtomicInteger();
    /** Files opened. */
    public final AtomicInteger reads = new AtomicInteger();
    /** When set, each file opened grows by a line as it is opened: a publisher still writing it. */
    public volatile boolean growWhileRead;

    public SftpServer(Path root, String password, PublicKey clientKey) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        hostKey = generator.generateKeyPair();
        ssh.setHost("127.0.0.1");
        ssh.setPort(0);
        ssh.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        ssh.setPasswordAuthenticator((user, given, session) -> {
            passwordsTried.incrementAndGet();
            return user.equals("feed") && given.equals(password);
        });
        ssh.setPublickeyAuthenticator((user, key, session) ->
                user.equals("feed") && clientKey != null && KeyUtils.compareKeys(key, clientKey));
        SftpSubsystemFactory sftp = new SftpSubsystemFactory();
        sftp.addSftpEventListener(new SftpEventListener() {
            @Override
            public void open(ServerSession session, String remoteHandle, org.apache.sshd.sftp.server.Handle local) {
                if (local instanceof FileHandle file) {
                    reads.incrementAndGet();
                    if (growWhileRead) {
                        // A publisher still appending: the file grows while it is read.
                        try {
                            Files.writeString(file.getFile(), "2099-01-01,1,1\n", StandardOpenOption.APPEND);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }
            }
        });
        ssh.setSubsystemFactories(List.of(sftp));
        ssh.setFileSystemFactory(new VirtualFileSystemFactory(root));
        ssh.start();
    }

    /** {@code sftp://feed@127.0.0.1:PORT/path}: the login sluice sources use. */
    public String url(String path) {
        return "sftp://feed@127.0.0.1:" + ssh.getPort() + path;
    }

    /** The host key's SHA256 fingerprint, as {@code host_key:} pins it. */
    public String fingerprint() {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, hostKey.getPublic());
    }

    @Override
    public void close() throws java.io.IOException {
        ssh.stop(true);
    }
}
