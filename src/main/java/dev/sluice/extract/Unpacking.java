package dev.sluice.extract;

import dev.sluice.ErrorKind;
import dev.sluice.config.CsvFormat;
import dev.sluice.config.FetchSettings;
import dev.sluice.config.Units;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * A file's body as the bytes of its CSV text: unpacked from gzip or zip while it is read, so a compressed body is
 * never stored unpacked, and memory stays one buffer. Packing is recognised by the body's first bytes (whatever its
 * name: a server may have decoded a {@code .gz} already), or declared. Unpacking is bounded: by {@code max_bytes} of
 * text, and past the first MiB by {@code max_ratio} times the packed bytes read, so that a bomb fails as
 * {@code TOO_LARGE} after reading little; packed data that ends early or is corrupt fails as {@code NOT_CSV}.
 */
final class Unpacking {
    private static final long RATIO_AFTER = 1 << 20;
    private static final int BUFFER = 1 << 16;
    private static final int NAMES_SHOWN = 5;

    private Unpacking() {}

    /** Whether a body's first bytes are gzip's or zip's, which {@link BodySniffer} then leaves to be unpacked. */
    static boolean looksPacked(byte[] prefix, int length) {
        return packing(prefix, length) != CsvFormat.Compression.NONE;
    }

    private static CsvFormat.Compression packing(byte[] prefix, int length) {
        if (length >= 2 && prefix[0] == (byte) 0x1f && prefix[1] == (byte) 0x8b) {
            return CsvFormat.Compression.GZIP;
        }
        if (length >= 4 && prefix[0] == 'P' && prefix[1] == 'K' && prefix[2] == 3 && prefix[3] == 4) {
            return CsvFormat.Compression.ZIP;
        }
        return CsvFormat.Compression.NONE;
    }

    /**
     * The text's bytes from the first.
     *
     * @param name how errors name the file: {@code source} or {@code source file}
     */
    static InputStream open(String source, String name, CsvFormat format, FetchSettings fetch, InputStream raw) {
        BufferedInputStream in = new BufferedInputStream(raw, BUFFER);
        boolean done = false;
        try {
            in.mark(4);
            byte[] magic = in.readNBytes(4);
            in.reset();
            CsvFormat.Compression found = packing(magic, magic.length);
            CsvFormat.Compression declared = format.compression();
            if (declared == CsvFormat.Compression.NONE && found != CsvFormat.Compression.NONE) {
                throw rejected(
                        source,
                        name + ": the body is " + found.name().toLowerCase(Locale.ROOT)
                                + "-compressed, but the source declares compression: none");
            }
            CsvFormat.Compression packing = declared == CsvFormat.Compression.AUTO ? found : declared;
            InputStream text = switch (packing) {
                case GZIP -> gzip(source, name, fetch, in);
                case ZIP -> zip(source, name, format.member(), fetch, in);
                default -> in;
            };
            if (packing != CsvFormat.Compression.NONE) {
                text = sniffed(source, name, text);
            }
            done = true;
            return text;
        } catch (IOException e) {
            throw new LocalStorageException(source, "cannot read the downloaded file of " + name, e);
        } finally {
            if (!done) {
                closeQuietly(in);
            }
        }
    }

    private static InputStream gzip(String source, String name, FetchSettings fetch, InputStream in)
            throws IOException {
        Counted packed = new Counted(in);
        try {
            GzipText text = new GzipText(packed);
            return new Bounded(source, name, "gzip", text, () -> packed.bytes - text.unconsumed(), packed, fetch);
        } catch (ZipException | EOFException e) {
            if (packed.failure != null) {
                throw packed.failure;
            }
            throw rejected(source, name + ": the body is not gzip (" + e.getMessage() + ")");
        }
    }

    private static InputStream zip(
            String source, String name, Optional<String> member, FetchSettings fetch, InputStream in)
            throws IOException {
        Counted packed = new Counted(in);
        ZipText zip = new ZipText(packed);
        List<String> seen = new ArrayList<>();
        Bounded bounded = new Bounded(source, name, "zip", zip, () -> packed.bytes - zip.unconsumed(), packed, fetch);
        try {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                String entryName = entry.getName();
                if (isFile(entry)
                        && (member.isEmpty()
                                || entryName.equals(member.get())
                                || entryName.endsWith("/" + member.get()))) {
                    bounded.onEnd(() -> checkNoOther(source, name, member, entryName, zip, bounded));
                    return bounded;
                }
                if (isFile(entry)) {
                    seen.add(entryName);
                }
                // A member not read is inflated all the same to reach the next: through the same bounds.
                bounded.skipEntry();
            }
        } catch (ZipException | EOFException e) {
            if (packed.failure != null) {
                throw packed.failure;
            }
            throw rejected(source, name + ": the zip is truncated or corrupt (" + e.getMessage() + ")");
        }
        throw rejected(
                source,
                name
                        + (member.isPresent()
                                ? ": the zip holds no file '" + member.get() + "'; it holds " + shown(seen)
                                : ": the zip holds no file"));
    }

    /** Folders and the metadata macOS adds to archives are not the data. */
    private static boolean isFile(ZipEntry entry) {
        String entryName = entry.getName();
        return !entry.isDirectory() && !entryName.startsWith("__MACOSX/") && !entryName.contains("/._");
    }

    /**
     * Without a declared member, the zip must hold one file: which of several to read is the user's to say. What
     * follows the member (macOS's metadata, folders) is inflated through the bounds to be looked at.
     */
    private static void checkNoOther(
            String source, String name, Optional<String> member, String read, ZipInputStream zip, Bounded bounded)
            throws IOException {
        if (member.isPresent()) {
            return;
        }
        for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
            if (isFile(entry)) {
                throw rejected(
                        source,
                        name + ": the zip holds several files (" + shown(List.of(read, entry.getName()))
                                + ", ...): name the one to read with  member: FILE");
            }
            bounded.skipEntry();
        }
    }

    private static String shown(List<String> names) {
        List<String> shown = names.stream()
                .limit(NAMES_SHOWN)
                .map(n -> dev.sluice.Excerpt.of(n, 80))
                .toList();
        return shown + (names.size() > NAMES_SHOWN ? " and " + (names.size() - NAMES_SHOWN) + " more" : "");
    }

    /**
     * Fails a body that unpacks past {@code max_bytes}, or (past its first MiB) to more than {@code max_ratio} times
     * the packed bytes read so far.
     */
    static void checkBounds(
            String source, String name, String kind, long unpacked, long packed, long maxBytes, int maxRatio) {
        if (unpacked > maxBytes) {
            throw new SourceRejectedException(
                    ErrorKind.TOO_LARGE,
                    source,
                    name + ": the " + kind + " body unpacks to more than " + Units.formatSize(maxBytes)
                            + " (fetch.max_bytes)");
        }
        if (unpacked > RATIO_AFTER && unpacked > (double) maxRatio * Math.max(1, packed)) {
            throw new SourceRejectedException(
                    ErrorKind.TOO_LARGE,
                    source,
                    String.format(
                            Locale.ROOT,
                            "%s: the %s body unpacks to more than %d times its size (%,d bytes from %,d;"
                                    + " fetch.max_ratio): a compression bomb, or raise the limit",
                            name,
                            kind,
                            maxRatio,
                            unpacked,
                            packed));
        }
    }

    /** Rejects an unpacked text that is not CSV (HTML, JSON, binary, nothing) before anything parses it. */
    private static InputStream sniffed(String source, String name, InputStream text) throws IOException {
        BufferedInputStream in = new BufferedInputStream(text, BUFFER);
        in.mark(BodySniffer.PREFIX_BYTES);
        byte[] prefix = in.readNBytes(BodySniffer.PREFIX_BYTES);
        in.reset();
        BodySniffer.checkUnpacked(source, name, prefix, prefix.length);
        return in;
    }

    private static SourceRejectedException rejected(String source, String message) {
        return new SourceRejectedException(ErrorKind.NOT_CSV, source, message);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // Nothing was read from it; the failure being reported matters.
        }
    }

    /**
     * gzip whose inflater says how much of the packed bytes it was given it has not used yet: the packed bytes
     * behind the text so far are those read minus those, exactly, however far ahead the inflater reads.
     */
    static final class GzipText extends GZIPInputStream {
        GzipText(InputStream packed) throws IOException {
            super(packed, BUFFER);
        }

        int unconsumed() {
            return inf.getRemaining();
        }
    }

    /** The same for zip (whose own look-ahead is at most 512 bytes more). */
    private static final class ZipText extends ZipInputStream {
        ZipText(InputStream packed) {
            super(packed);
        }

        int unconsumed() {
            return inf.getRemaining();
        }
    }

    /** Counts the packed bytes read, and remembers a failure of the body itself (not of unpacking). */
    static final class Counted extends FilterInputStream {
        long bytes;
        IOException failure;

        Counted(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = guarded(() -> super.read());
            if (b >= 0) {
                bytes++;
            }
            return b;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            int n = guarded(() -> super.read(target, offset, length));
            if (n > 0) {
                bytes += n;
            }
            return n;
        }

        private interface Read {
            int run() throws IOException;
        }

        private int guarded(Read read) throws IOException {
            try {
                return read.run();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }

    /** What runs when the unpacked text ends (a zip checks what follows its member). */
    private interface AtEnd {
        void run() throws IOException;
    }

    /**
     * The unpacked text, bounded in size and ratio; unpacking's own errors (truncated, corrupt) become
     * {@code NOT_CSV}, while the body's errors (a download that failed) pass as they are.
     */
    private static final class Bounded extends FilterInputStream {
        private final String source;
        private final String name;
        private final String kind;
        private final Counted packed;
        private final java.util.function.LongSupplier consumed;
        private final long maxBytes;
        private final int maxRatio;
        private final long deadline;
        private final java.time.Duration allowed;
        private long unpacked;
        private AtEnd atEnd = () -> {};
        private boolean ended;

        /** @param consumed the packed bytes behind the text read so far */
        Bounded(
                String source,
                String name,
                String kind,
                InputStream in,
                java.util.function.LongSupplier consumed,
                Counted packed,
                FetchSettings fetch) {
            super(in);
            this.consumed = consumed;
            this.source = source;
            this.name = name;
            this.kind = kind;
            this.packed = packed;
            this.maxBytes = fetch.maxBytes();
            this.maxRatio = fetch.maxRatio();
            this.allowed = fetch.deadline();
            this.deadline = System.nanoTime() + fetch.deadline().toNanos();
        }

        /** Reads the rest of the current zip entry through the bounds, every byte counted, none kept. */
        void skipEntry() throws IOException {
            byte[] discarded = new byte[BUFFER];
            int n;
            while ((n = in.read(discarded, 0, discarded.length)) != -1) {
                counted(n);
            }
        }

        /** Counts bytes inflated, whether read or skipped: past a bound, or past the deadline, the body fails. */
        private void counted(int n) {
            unpacked += n;
            checkBounds(source, name, kind, unpacked, consumed.getAsLong(), maxBytes, maxRatio);
            if (System.nanoTime() - deadline > 0) {
                throw new SourceRejectedException(
                        ErrorKind.TOO_LARGE,
                        source,
                        name + ": unpacking the " + kind + " body took longer than fetch.deadline ("
                                + Units.format(allowed) + ")");
            }
        }

        void onEnd(AtEnd check) {
            this.atEnd = check;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            int n;
            try {
                n = super.read(target, offset, length);
                if (n == -1 && !ended) {
                    ended = true;
                    atEnd.run();
                }
            } catch (ZipException | EOFException e) {
                if (packed.failure != null) {
                    throw packed.failure;
                }
                throw rejected(
                        source,
                        name + ": the " + kind + " data "
                                + (e instanceof EOFException
                                        ? "ends early: the file is" + " truncated"
                                        : "is corrupt (" + e.getMessage() + ")"));
            }
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
