package dev.sluice.extract;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
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
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.MemoryLimitException;
import org.tukaani.xz.XZInputStream;

/**
 * A file's body as the bytes of its CSV text: unpacked from gzip, zip, bzip2, xz or zstd while it is read, so a
 * compressed body is never stored unpacked, and memory stays bounded (xz's and zstd's windows are capped: a header
 * asking for more fails). Packing is recognised by the body's first bytes (whatever its name: a server may have
 * decoded a {@code .gz} already), or declared. Unpacking is bounded: by {@code max_bytes} of text, and past the first
 * MiB by {@code max_ratio} times the packed bytes read, so that a bomb fails as {@code TOO_LARGE} after reading little;
 * packed data that ends early or is corrupt fails as {@code NOT_CSV}.
 */
final class Unpacking {
    private static final long RATIO_AFTER = 1 << 20;
    private static final int BUFFER = 1 << 16;
    private static final int NAMES_SHOWN = 5;
    /** The most memory xz may ask for: 70 MiB unpacks {@code xz -9} (64 MiB dictionary), the largest preset. */
    static final int XZ_MEMORY_KIB = 70 * 1024;
    /** zstd's largest window: 2^27 = 128 MiB, what every level up to 22 uses without {@code --long}. */
    static final int ZSTD_WINDOW_LOG = 27;

    private static final int MAGIC_BYTES = 6;

    private Unpacking() {}

    /** Whether a body's first bytes are a packing's, which {@link BodySniffer} then leaves to be unpacked. */
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
        if (length >= 4
                && prefix[0] == 'B'
                && prefix[1] == 'Z'
                && prefix[2] == 'h'
                && prefix[3] >= '1'
                && prefix[3] <= '9') {
            return CsvFormat.Compression.BZIP2;
        }
        if (length >= 6
                && (prefix[0] & 0xff) == 0xFD
                && prefix[1] == '7'
                && prefix[2] == 'z'
                && prefix[3] == 'X'
                && prefix[4] == 'Z'
                && prefix[5] == 0) {
            return CsvFormat.Compression.XZ;
        }
        if (length >= 4
                && (prefix[0] & 0xff) == 0x28
                && (prefix[1] & 0xff) == 0xB5
                && (prefix[2] & 0xff) == 0x2F
                && (prefix[3] & 0xff) == 0xFD) {
            return CsvFormat.Compression.ZSTD;
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
            in.mark(MAGIC_BYTES);
            byte[] magic = in.readNBytes(MAGIC_BYTES);
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
            if (found == CsvFormat.Compression.ZIP && isWorkbook(format, magic, in)) {
                // A workbook is a zip the reader opens itself, for its parts in the order it needs them.
                packing = CsvFormat.Compression.NONE;
            }
            InputStream text = switch (packing) {
                case GZIP -> gzip(source, name, fetch, in);
                case ZIP -> zip(source, name, format.member(), fetch, in);
                case BZIP2, XZ, ZSTD -> stream(source, name, packing, fetch, in);
                default -> in;
            };
            if (packing != CsvFormat.Compression.NONE) {
                text = sniffed(source, name, format.syntax(), text);
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

    /**
     * Whether a zip body is a workbook to read as it is: declared so, or (for {@code sluice init}, which declares
     * nothing) a zip whose first part is one an Office file begins with.
     */
    private static boolean isWorkbook(CsvFormat format, byte[] magic, BufferedInputStream in) throws IOException {
        if (format.syntax() == CsvFormat.Syntax.XLSX) {
            return true;
        }
        if (format.syntax() != CsvFormat.Syntax.ANY) {
            return false;
        }
        in.mark(64);
        byte[] header = in.readNBytes(64);
        in.reset();
        if (header.length < 30) {
            return false;
        }
        int nameLength = (header[26] & 0xff) | (header[27] & 0xff) << 8;
        String first = new String(
                header,
                30,
                Math.max(0, Math.min(nameLength, header.length - 30)),
                java.nio.charset.StandardCharsets.UTF_8);
        return first.equals("[Content_Types].xml")
                || first.startsWith("xl/")
                || first.startsWith("docProps/")
                || first.startsWith("_rels/");
    }

    /**
     * bzip2, xz or zstd: one stream of text (concatenated streams and frames read as one, as their tools write them).
     * Their decoders read ahead a buffer at most, so the packed bytes read bound the ratio closely enough.
     */
    private static InputStream stream(
            String source, String name, CsvFormat.Compression packing, FetchSettings fetch, InputStream in)
            throws IOException {
        Counted packed = new Counted(in);
        String kind = packing.name().toLowerCase(Locale.ROOT);
        InputStream text;
        try {
            text = switch (packing) {
                case BZIP2 -> new BZip2CompressorInputStream(packed, true);
                case XZ -> new XZInputStream(packed, XZ_MEMORY_KIB);
                default -> {
                    ZstdInputStreamNoFinalizer zstd = new ZstdInputStreamNoFinalizer(packed);
                    zstd.setLongMax(ZSTD_WINDOW_LOG);
                    yield zstd;
                }
            };
        } catch (MemoryLimitException e) {
            throw tooMuchMemory(source, name, kind, e.getMemoryNeeded());
        } catch (IOException e) {
            if (packed.failure != null) {
                throw packed.failure;
            }
            throw rejected(
                    source,
                    truncated(e)
                            ? name + ": the " + kind + " data ends early: the file is truncated"
                            : name + ": the body is not " + kind + " (" + e.getMessage() + ")");
        }
        return new Bounded(source, name, kind, text, () -> packed.bytes, packed, fetch);
    }

    /** xz's dictionary, past {@link #XZ_MEMORY_KIB}: refused before it is allocated. */
    private static SourceRejectedException tooMuchMemory(String source, String name, String kind, long kib) {
        return new SourceRejectedException(
                ErrorKind.TOO_LARGE,
                source,
                String.format(
                        Locale.ROOT,
                        "%s: the %s body asks for %,d MiB of memory to unpack, more than the %,d MiB sluice allows",
                        name,
                        kind,
                        Math.max(1, kib / 1024),
                        XZ_MEMORY_KIB / 1024));
    }

    /** zstd's window, past 2^{@link #ZSTD_WINDOW_LOG}: zstd says so in words. */
    private static boolean zstdWindowTooLarge(IOException e) {
        return String.valueOf(e.getMessage()).contains("too much memory");
    }

    private static SourceRejectedException zstdWindow(String source, String name) {
        return new SourceRejectedException(
                ErrorKind.TOO_LARGE,
                source,
                name + ": the zstd body asks for a window larger than the " + (1 << (ZSTD_WINDOW_LOG - 20))
                        + " MiB sluice allows (written with zstd --long?)");
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
    private static InputStream sniffed(String source, String name, CsvFormat.Syntax syntax, InputStream text)
            throws IOException {
        BufferedInputStream in = new BufferedInputStream(text, BUFFER);
        in.mark(BodySniffer.PREFIX_BYTES);
        byte[] prefix = in.readNBytes(BodySniffer.PREFIX_BYTES);
        in.reset();
        BodySniffer.checkUnpacked(source, name, syntax, prefix, prefix.length);
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
            } catch (MemoryLimitException e) {
                throw tooMuchMemory(source, name, kind, e.getMemoryNeeded());
            } catch (IOException e) {
                // The body's own failure (a download that broke) passes as it is; the rest is the packed data's.
                if (packed.failure != null) {
                    throw packed.failure;
                }
                if (zstdWindowTooLarge(e)) {
                    throw zstdWindow(source, name);
                }
                throw rejected(
                        source,
                        name + ": the " + kind + " data "
                                + (truncated(e)
                                        ? "ends early: the file is truncated"
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

    /** How each decoder says its input ended early: EOF, or in words. */
    private static boolean truncated(IOException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return e instanceof EOFException
                || message.contains("truncated")
                || message.contains("unexpected end")
                || message.contains("premature end");
    }
}
