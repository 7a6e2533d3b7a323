package org.jmmap.gzip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The header of one gzip member (RFC 1952, section 2.3): flags, modification time, extra flags, operating system,
 * and the optional extra field ({@code FEXTRA}), file name ({@code FNAME}), comment ({@code FCOMMENT}) and header
 * CRC ({@code FHCRC}). Immutable.
 *
 * <p>File names and comments are bytes in the file; they are decoded with the JVM's file name encoding
 * ({@code sun.jnu.encoding}, UTF-8 on most systems), which is how {@code gzip} on the same system wrote them, and
 * as ISO-8859-1 (the RFC's encoding) when they are not valid in it.
 */
public final class GzipHeader {

    /** Operating system "Unix" (3), which {@code gzip} and {@code pigz} write on Linux. */
    public static final int OS_UNIX = 3;
    /** Operating system "unknown" (255), which BGZF writes. */
    public static final int OS_UNKNOWN = 255;

    static final int ID1 = 0x1f;
    static final int ID2 = 0x8b;
    static final int DEFLATE = 8;
    static final int FTEXT = 1;
    static final int FHCRC = 2;
    static final int FEXTRA = 4;
    static final int FNAME = 8;
    static final int FCOMMENT = 16;
    static final int RESERVED_FLAGS = 0xe0;
    /** Bytes of the fixed part: ID1 ID2 CM FLG MTIME(4) XFL OS. */
    static final int FIXED_LENGTH = 10;
    /** Bytes of a member's trailer: CRC-32 and ISIZE, little-endian. */
    static final int TRAILER_LENGTH = 8;
    private static final byte[] NO_BYTES = {};

    private static final Charset FILE_NAMES = fileNameCharset();

    private final int flags;
    private final long mtime;
    private final int extraFlags;
    private final int os;
    private final byte[] extra;
    private final byte[] name;
    private final byte[] comment;
    private final int length;

    private GzipHeader(int flags, long mtime, int extraFlags, int os, byte[] extra, byte[] name, byte[] comment,
                       int length) {
        this.flags = flags;
        this.mtime = mtime;
        this.extraFlags = extraFlags;
        this.os = os;
        this.extra = extra;
        this.name = name;
        this.comment = comment;
        this.length = length;
    }

    /** The {@code FTEXT} flag: the compressor guessed the content is text. */
    public boolean isText() {
        return (flags & FTEXT) != 0;
    }

    /** The flag byte ({@code FLG}) as stored. */
    public int flags() {
        return flags;
    }

    /** {@code MTIME}: seconds since the epoch (an unsigned 32-bit value), 0 when there is none. */
    public long mtime() {
        return mtime;
    }

    /** The modification time, empty when {@code MTIME} is 0. */
    public Optional<Instant> modificationTime() {
        return mtime == 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(mtime));
    }

    /** {@code XFL}: 2 for maximum compression ({@code -9}), 4 for the fastest ({@code -1}), else 0 usually. */
    public int extraFlags() {
        return extraFlags;
    }

    /** {@code OS}: the operating system of the compressor, 3 for Unix, 255 for unknown. */
    public int os() {
        return os;
    }

    /** The extra field ({@code FEXTRA}) without its length, a copy; empty when absent. */
    public Optional<byte[]> extra() {
        return extra == null ? Optional.empty() : Optional.of(extra.clone());
    }

    /**
     * The data of the first subfield of the extra field with identifier {@code id1 id2} (for BGZF {@code 'B', 'C'}),
     * a copy; empty when there is no extra field, no such subfield, or the extra field is not made of subfields.
     */
    public Optional<byte[]> extraSubfield(int id1, int id2) {
        if (extra == null) {
            return Optional.empty();
        }
        int at = 0;
        while (extra.length - at >= 4) {
            int subfieldLength = (extra[at + 2] & 0xff) | (extra[at + 3] & 0xff) << 8;
            if (extra.length - at - 4 < subfieldLength) {
                return Optional.empty();
            }
            if ((extra[at] & 0xff) == id1 && (extra[at + 1] & 0xff) == id2) {
                return Optional.of(Arrays.copyOfRange(extra, at + 4, at + 4 + subfieldLength));
            }
            at += 4 + subfieldLength;
        }
        return Optional.empty();
    }

    /** The original file name ({@code FNAME}), empty when absent. */
    public Optional<String> name() {
        return name == null ? Optional.empty() : Optional.of(decode(name));
    }

    /** The comment ({@code FCOMMENT}), empty when absent. */
    public Optional<String> comment() {
        return comment == null ? Optional.empty() : Optional.of(decode(comment));
    }

    /** Whether the header carried its own CRC-16 ({@code FHCRC}), which was checked. */
    public boolean hasHeaderCrc() {
        return (flags & FHCRC) != 0;
    }

    /** Whether this is the header of a BGZF block: a {@code BC} subfield of two bytes in the extra field. */
    public boolean isBgzf() {
        return extraSubfield('B', 'C').map(data -> data.length == 2).orElse(false);
    }

    /** The header's length in bytes, from {@code ID1} to where the compressed data starts. */
    public int length() {
        return length;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("GzipHeader[flags=").append(flags).append(", mtime=").append(mtime)
                .append(", xfl=").append(extraFlags).append(", os=").append(os);
        if (extra != null) {
            text.append(", extra=").append(extra.length).append(" bytes");
        }
        name().ifPresent(value -> text.append(", name=").append(value));
        comment().ifPresent(value -> text.append(", comment=").append(value));
        return text.append(", length=").append(length).append(']').toString();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading

    /** A source of header bytes: the next byte (0 to 255), or -1 at the end of the input. */
    interface ByteSource {
        int next() throws IOException;
    }

    /**
     * Reads a header from {@code source}, which is at {@code offset} in the compressed input (for messages).
     *
     * @throws GzipException {@code NOT_GZIP} if the magic bytes are wrong, {@code TRUNCATED} if the input ends
     *                       within the header, {@code BAD_HEADER} for a method other than deflate or reserved flags,
     *                       {@code BAD_HEADER_CRC} if {@code FHCRC} does not match
     */
    static GzipHeader read(ByteSource source, long offset) throws IOException {
        HeaderReader in = new HeaderReader(source, offset);
        int id1 = in.next();
        int id2 = in.next();
        if (id1 != ID1 || id2 != ID2) {
            throw new GzipException(GzipException.Reason.NOT_GZIP, offset,
                    String.format("not gzip: magic=%02x%02x, expected=1f8b", id1, id2));
        }
        int method = in.next();
        if (method != DEFLATE) {
            throw new GzipException(GzipException.Reason.BAD_HEADER, offset + 2,
                    "method=" + method + ": only deflate (8) exists");
        }
        int flags = in.next();
        if ((flags & RESERVED_FLAGS) != 0) {
            throw new GzipException(GzipException.Reason.BAD_HEADER, offset + 3,
                    String.format("flags=0x%02x: reserved bits 0xe0 set", flags));
        }
        long mtime = in.next() | in.next() << 8 | in.next() << 16 | (long) in.next() << 24;
        int extraFlags = in.next();
        int os = in.next();
        byte[] extra = null;
        if ((flags & FEXTRA) != 0) {
            int extraLength = in.next() | in.next() << 8;
            extra = new byte[extraLength];
            for (int i = 0; i < extraLength; i++) {
                extra[i] = (byte) in.next();
            }
        }
        byte[] name = (flags & FNAME) != 0 ? in.zeroTerminated() : null;
        byte[] comment = (flags & FCOMMENT) != 0 ? in.zeroTerminated() : null;
        if ((flags & FHCRC) != 0) {
            int expected = (int) (in.crc.getValue() & 0xffff);
            int stored = in.next() | in.next() << 8;
            if (stored != expected) {
                throw new GzipException(GzipException.Reason.BAD_HEADER_CRC, offset + in.count - 2,
                        String.format("header crc16=0x%04x, computed=0x%04x", stored, expected));
            }
        }
        return new GzipHeader(flags, mtime, extraFlags, os, extra, name, comment, (int) in.count);
    }

    /** Reads header bytes, counting them and computing their CRC-32 for {@code FHCRC}. */
    private static final class HeaderReader {
        private final ByteSource source;
        private final long offset;
        private final CRC32 crc = new CRC32();
        private long count;

        HeaderReader(ByteSource source, long offset) {
            this.source = source;
            this.offset = offset;
        }

        int next() throws IOException {
            int b = source.next();
            if (b < 0) {
                throw new GzipException(GzipException.Reason.TRUNCATED, offset + count,
                        count == 0 ? "unexpected end of input, expected a gzip header"
                                : "unexpected end of input in a gzip header of " + count + " bytes so far");
            }
            count++;
            crc.update(b);
            return b;
        }

        byte[] zeroTerminated() throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int b = next(); b != 0; b = next()) {
                bytes.write(b);
            }
            return bytes.toByteArray();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writing

    /**
     * The header {@code gzip} and {@code pigz} write: deflate, the name if any ({@code FNAME}), {@code mtime}
     * (0 for none), {@code XFL} from the level (2 for 9, 4 for 1), OS Unix.
     */
    static byte[] encode(String fileName, long mtime, int level) {
        byte[] name = fileName == null ? NO_BYTES : fileName.getBytes(FILE_NAMES);
        int nameLength = fileName == null ? 0 : name.length + 1;
        ByteBuffer header = ByteBuffer.allocate(FIXED_LENGTH + nameLength);
        header.put((byte) ID1).put((byte) ID2).put((byte) DEFLATE).put((byte) (fileName == null ? 0 : FNAME));
        header.put((byte) mtime).put((byte) (mtime >>> 8)).put((byte) (mtime >>> 16)).put((byte) (mtime >>> 24));
        header.put((byte) (level == 9 ? 2 : level == 1 ? 4 : 0)).put((byte) OS_UNIX);
        if (fileName != null) {
            for (byte b : name) {
                header.put(b == 0 ? (byte) '_' : b); // a file name cannot hold a NUL; never end FNAME early
            }
            header.put((byte) 0);
        }
        return header.array();
    }

    /** Seconds since the epoch as {@code MTIME} can hold them: 0 (no time) outside 1 to 2^32 - 1. */
    static long mtimeField(Instant time) {
        long seconds = time.getEpochSecond();
        return seconds > 0 && seconds <= 0xffffffffL ? seconds : 0;
    }

    private static String decode(byte[] bytes) {
        try {
            return FILE_NAMES.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notInThatEncoding) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    private static Charset fileNameCharset() {
        String encoding = System.getProperty("sun.jnu.encoding");
        return encoding != null && Charset.isSupported(encoding) ? Charset.forName(encoding) : Charset.defaultCharset();
    }
}
