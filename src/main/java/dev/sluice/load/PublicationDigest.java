package dev.sluice.load;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * What sluice keeps of a loaded publication, on local disk: for each row it loaded, in the publication's order, the
 * {@link RowHash} of its typed values and its key's encoded values. 16 bytes and the key per row (35 MB for the
 * million-row county file): the next run compares its rows with these, and stages only the ones that differ.
 *
 * <p>The file starts with its id (also recorded in the database, {@code sluice.load_digests}) and the source's columns
 * it was made for; the database records its checksum too, and a reader checks it when it reaches the end, so a file
 * that is not the one the database vouches for, or that was damaged, is never believed.
 */
final class PublicationDigest {
    private static final String MAGIC = "sluice publication digest 1";

    private PublicationDigest() {}

    /**
     * What the database records of a digest: its id (random, also at the start of the file), the CRC-32C of the
     * whole file and its rows. The id tells this load's digest from any other; the checksum, a damaged one. It is
     * not a cryptographic hash (SHA-256 of the two digests a run reads and writes cost 0.15 s per million rows on
     * the main thread, measured): whoever can write sluice's home directory can also change its database.
     */
    record Identity(UUID id, String checksum, long rows) {}

    /** Writes a digest as the rows stream by. */
    static final class Writer implements Closeable {
        private final UUID id;
        private final CRC32C checksum = new CRC32C();
        private final OutputStream out;
        private final byte[] buffer = new byte[1 << 16];
        private int length;
        private long rows;

        Writer(Path file, String columns) throws IOException {
            this.id = UUID.randomUUID();
            this.out = Files.newOutputStream(file);
            java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream();
            try (DataOutputStream data = new DataOutputStream(header)) {
                data.writeUTF(MAGIC);
                data.writeLong(id.getMostSignificantBits());
                data.writeLong(id.getLeastSignificantBits());
                data.writeUTF(columns);
            }
            put(header.toByteArray());
        }

        void add(RowHash hash, byte[] key) {
            try {
                ensure(20 + key.length);
                putLong(hash.high());
                putLong(hash.low());
                putInt(key.length);
                put(key);
                rows++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Ends the file; what the database is to record of it. */
        Identity finish() throws IOException {
            ensure(16);
            putLong(-1); // the end: the row count follows
            putLong(rows);
            flush();
            out.close();
            return new Identity(id, Long.toHexString(checksum.getValue()), rows);
        }

        private void ensure(int bytes) throws IOException {
            if (length + bytes > buffer.length) {
                flush();
            }
        }

        private void flush() throws IOException {
            checksum.update(buffer, 0, length);
            out.write(buffer, 0, length);
            length = 0;
        }

        private void put(byte[] bytes) throws IOException {
            if (bytes.length > buffer.length - length) {
                flush();
                checksum.update(bytes, 0, bytes.length);
                out.write(bytes);
                return;
            }
            System.arraycopy(bytes, 0, buffer, length, bytes.length);
            length += bytes.length;
        }

        private void putLong(long v) {
            putInt((int) (v >>> 32));
            putInt((int) v);
        }

        private void putInt(int v) {
            buffer[length++] = (byte) (v >>> 24);
            buffer[length++] = (byte) (v >>> 16);
            buffer[length++] = (byte) (v >>> 8);
            buffer[length++] = (byte) v;
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
        private final CRC32C checksum = new CRC32C();
        private final InputStream in;
        private final Identity expected;
        /** The file's bytes read and not yet taken, from {@code position} to {@code limit}. */
        private final byte[] buffer = new byte[1 << 16];

        private int position;
        private int limit;
        private long read;
        private boolean ended;

        /**
         * @throws MismatchException when the file is not the digest the database recorded, or was made for other
         *                           columns
         */
        Reader(Path file, Identity expected, String columns) throws IOException {
            this.expected = expected;
            this.in = Files.newInputStream(file);
            try {
                DataInputStream header = new DataInputStream(new InputStream() {
                    @Override
                    public int read() throws IOException {
                        return fill(1) ? buffer[position++] & 0xff : -1;
                    }
                });
                if (!MAGIC.equals(header.readUTF())) {
                    throw new MismatchException("is not a digest");
                }
                UUID id = new UUID(header.readLong(), header.readLong());
                if (!id.equals(expected.id())) {
                    throw new MismatchException("is another load's digest");
                }
                if (!columns.equals(header.readUTF())) {
                    throw new MismatchException("was made for other columns");
                }
            } catch (IOException e) {
                in.close();
                throw e;
            }
        }

        /** Whether {@code bytes} bytes are buffered, reading more as needed; false at the end of the file. */
        private boolean fill(int bytes) throws IOException {
            if (limit - position >= bytes) {
                return true;
            }
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
            while (limit < bytes) {
                int n = in.read(buffer, limit, buffer.length - limit);
                if (n < 0) {
                    return false;
                }
                checksum.update(buffer, limit, n);
                limit += n;
            }
            return true;
        }

        private long longAt(int at) {
            return (long) intAt(at) << 32 | (intAt(at + 4) & 0xffffffffL);
        }

        private int intAt(int at) {
            return (buffer[at] & 0xff) << 24
                    | (buffer[at + 1] & 0xff) << 16
                    | (buffer[at + 2] & 0xff) << 8
                    | (buffer[at + 3] & 0xff);
        }

        /** The next entry, or null at the end (once the whole file is proven to be the one recorded). */
        Entry next() throws IOException {
            if (ended) {
                return null;
            }
            if (!fill(16)) {
                throw new MismatchException("ends early, after " + read + " rows");
            }
            long high = longAt(position);
            long low = longAt(position + 8);
            position += 16;
            if (high == -1 && low == expected.rows() && read == expected.rows()) {
                ended = true;
                if (fill(1) || in.read() != -1) {
                    throw new MismatchException("goes on after its end");
                }
                if (!Long.toHexString(checksum.getValue()).equals(expected.checksum())) {
                    throw new MismatchException("does not match the checksum the database recorded");
                }
                return null;
            }
            if (!fill(4)) {
                throw new MismatchException("ends early, after " + read + " rows");
            }
            int length = intAt(position);
            position += 4;
            if (length < 0 || length > buffer.length) {
                throw new MismatchException("is damaged");
            }
            if (!fill(length)) {
                throw new MismatchException("ends early, after " + read + " rows");
            }
            byte[] key = Arrays.copyOfRange(buffer, position, position + length);
            position += length;
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
