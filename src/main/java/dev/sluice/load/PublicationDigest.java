package dev.sluice.load;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * What sluice keeps of a loaded publication, on local disk: for each row it loaded, in the publication's order, the
 * {@link RowHash} of its typed values and its key's encoded values. 16 bytes and the key per row (35 MB for the
 * million-row county file): the next run compares its rows with these, and stages only the ones that differ.
 *
 * <p>The file starts with its id (also recorded in the database, {@code sluice.load_digests}) and the source's columns
 * it was made for; the database records its sha256 too, and a reader checks it when it reaches the end, so a file
 * that is not the one the database vouches for, or that was damaged, is never believed.
 */
final class PublicationDigest {
    private static final String MAGIC = "sluice publication digest 1";

    private PublicationDigest() {}

    /** What the database records of a digest. */
    record Identity(UUID id, String sha256, long rows) {}

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a digest as the rows stream by. */
    static final class Writer implements Closeable {
        private final Path file;
        private final UUID id;
        private final MessageDigest sha256 = sha256();
        private final DataOutputStream out;
        private long rows;

        Writer(Path file, String columns) throws IOException {
            this.file = file;
            this.id = UUID.randomUUID();
            this.out = new DataOutputStream(
                    new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), sha256));
            out.writeUTF(MAGIC);
            out.writeLong(id.getMostSignificantBits());
            out.writeLong(id.getLeastSignificantBits());
            out.writeUTF(columns);
        }

        Path file() {
            return file;
        }

        void add(RowHash hash, byte[] key) {
            try {
                out.writeLong(hash.high());
                out.writeLong(hash.low());
                out.writeInt(key.length);
                out.write(key);
                rows++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Ends the file; what the database is to record of it. */
        Identity finish() throws IOException {
            out.writeLong(-1); // the end: no row hash starts with an int length of -1 after it
            out.writeLong(rows);
            out.close();
            return new Identity(id, HexFormat.of().formatHex(sha256.digest()), rows);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** An entry of a digest: a row's hash and key, and its place in the publication. */
    record Entry(RowHash hash, byte[] key, long index) {}

    /** Reads a digest the database vouches for, entry by entry; the sha256 is checked at the end. */
    static final class Reader implements Closeable {
        private final MessageDigest sha256 = sha256();
        private final DataInputStream in;
        private final Identity expected;
        private long read;
        private boolean ended;

        /**
         * @throws MismatchException when the file is not the digest the database recorded, or was made for other
         *                           columns
         */
        Reader(Path file, Identity expected, String columns) throws IOException {
            this.expected = expected;
            this.in = new DataInputStream(
                    new DigestInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), sha256));
            try {
                if (!MAGIC.equals(in.readUTF())) {
                    throw new MismatchException("is not a digest");
                }
                UUID id = new UUID(in.readLong(), in.readLong());
                if (!id.equals(expected.id())) {
                    throw new MismatchException("is another load's digest");
                }
                if (!columns.equals(in.readUTF())) {
                    throw new MismatchException("was made for other columns");
                }
            } catch (IOException e) {
                in.close();
                throw e;
            }
        }

        /** The next entry, or null at the end (once the whole file is proven to be the one recorded). */
        Entry next() throws IOException {
            if (ended) {
                return null;
            }
            long high;
            try {
                high = in.readLong();
            } catch (EOFException e) {
                throw new MismatchException("ends early, after " + read + " rows");
            }
            long low = in.readLong();
            if (high == -1 && low == expected.rows() && read == expected.rows()) {
                ended = true;
                if (in.read() != -1) {
                    throw new MismatchException("goes on after its end");
                }
                if (!HexFormat.of().formatHex(sha256.digest()).equals(expected.sha256())) {
                    throw new MismatchException("does not match the sha256 the database recorded");
                }
                return null;
            }
            int length = in.readInt();
            if (length < 0 || length > 1 << 24) {
                throw new MismatchException("is damaged");
            }
            byte[] key = new byte[length];
            in.readFully(key);
            return new Entry(new RowHash(high, low), key, read++);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** A digest file that is not what the database says it should be: its comparison cannot be trusted. */
    static final class MismatchException extends IOException {
        private static final long serialVersionUID = 1L;

        MismatchException(String message) {
            super(message);
        }
    }
}
