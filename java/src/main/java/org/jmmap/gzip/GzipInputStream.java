package org.jmmap.gzip;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses gzip from any {@link InputStream}: every member of a concatenation (the JDK's
 * {@code java.util.zip.GZIPInputStream} can stop silently at a member boundary when the underlying stream returns
 * short reads), every header field ({@code FEXTRA}, {@code FNAME}, {@code FCOMMENT}, {@code FHCRC}, checked), and
 * every member's CRC-32 and length checked. Bytes after the last member are read to the end of the stream: zero
 * padding is ignored, other bytes are counted ({@link #trailingBytes()}, {@link #trailingGarbage()}) or, with
 * {@link GzipOptions#isStrict() strict} options, an error, as {@code gzip} treats them.
 *
 * <p>Errors are {@link GzipException}s naming the offset in the compressed stream. Not thread-safe; single
 * threaded (for parallel decompression of a file, see {@link ParallelGzip#decompress}).
 */
public final class GzipInputStream extends InputStream {

    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final boolean strict;
    private final byte[] buffer = new byte[BUFFER];
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] single = new byte[1];
    private int bufferPosition;
    private int bufferLimit;
    /** Offset in the compressed stream of {@code buffer[0]}. */
    private long bufferOffset;
    private boolean endOfInput;

    private GzipHeader header;
    private long memberSize;
    private long members;
    private long trailingBytes;
    private boolean trailingGarbage;
    private boolean inMember;
    private boolean done;
    private boolean closed;

    /** Reads gzip from {@code in}; trailing garbage is counted, not an error. */
    public GzipInputStream(InputStream in) {
        this(in, GzipOptions.defaults());
    }

    /** Reads gzip from {@code in}; only {@link GzipOptions#isStrict()} of the options applies. */
    public GzipInputStream(InputStream in, GzipOptions options) {
        this.in = Objects.requireNonNull(in, "in");
        this.strict = options.isStrict();
    }

    /**
     * The header of the member being read (the first member's until its data has been read), read from the stream
     * if no byte was read yet.
     *
     * @throws GzipException if the stream does not start with a valid gzip header
     */
    public GzipHeader header() throws IOException {
        ensureOpen();
        if (header == null) {
            startMember(true);
        }
        return header;
    }

    /** The members read to their end so far. */
    public long members() {
        return members;
    }

    /** After the end: bytes after the last member (zero padding, or garbage if {@link #trailingGarbage()}). */
    public long trailingBytes() {
        return trailingBytes;
    }

    /** After the end: whether the trailing bytes are not all zeros. */
    public boolean trailingGarbage() {
        return trailingGarbage;
    }

    @Override
    public int read() throws IOException {
        int n = read(single, 0, 1);
        return n < 0 ? -1 : single[0] & 0xff;
    }

    /**
     * Reads up to {@code length} uncompressed bytes; -1 after the last member.
     *
     * @throws GzipException if the input is not valid gzip (the offset says where)
     */
    @Override
    public int read(byte[] destination, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, destination.length);
        ensureOpen();
        if (length == 0) {
            return 0;
        }
        while (!done) {
            if (!inMember) {
                if (!startMember(header == null)) {
                    return -1;
                }
            }
            int n = inflate(destination, offset, length);
            if (n > 0) {
                return n;
            }
        }
        return -1;
    }

    /** Inflates into the destination; at the end of the member, checks its trailer. */
    private int inflate(byte[] destination, int offset, int length) throws IOException {
        while (true) {
            if (inflater.needsInput()) {
                if (!fill()) {
                    throw new GzipException(GzipException.Reason.TRUNCATED, position(),
                            "unexpected end of input in deflate data");
                }
                inflater.setInput(buffer, bufferPosition, bufferLimit - bufferPosition);
            }
            int n;
            try {
                n = inflater.inflate(destination, offset, length);
            } catch (DataFormatException e) {
                GzipException corrupt = new GzipException(GzipException.Reason.CORRUPT_DATA, consumedPosition(),
                        "invalid deflate data (" + e.getMessage() + ")");
                corrupt.initCause(e);
                throw corrupt;
            }
            bufferPosition = bufferLimit - inflater.getRemaining();
            crc.update(destination, offset, n);
            memberSize += n;
            if (inflater.finished()) {
                endMember();
                return n;
            }
            if (inflater.needsDictionary()) {
                throw new GzipException(GzipException.Reason.CORRUPT_DATA, position(),
                        "the deflate data asks for a preset dictionary, which gzip has none of");
            }
            if (n > 0) {
                return n;
            }
        }
    }

    private long consumedPosition() {
        return bufferOffset + bufferLimit - inflater.getRemaining();
    }

    /**
     * Starts the next member: reads its header. At the start of the stream a header must be there; later, the end
     * of the stream or bytes that are not a member end the reading (the latter counted as trailing bytes). Returns
     * whether a member started.
     */
    private boolean startMember(boolean first) throws IOException {
        if (!first) {
            int b0 = peek(0);
            if (b0 < 0) {
                done = true;
                return false;
            }
            int b1 = peek(1);
            if (b0 != GzipHeader.ID1 || (b1 >= 0 && b1 != GzipHeader.ID2)) {
                trailing();
                return false;
            }
        }
        header = GzipHeader.read(() -> fill() ? buffer[bufferPosition++] & 0xff : -1, position());
        inflater.reset();
        crc.reset();
        memberSize = 0;
        inMember = true;
        return true;
    }

    /** Reads and checks the trailer of the member whose deflate data just ended. */
    private void endMember() throws IOException {
        long trailerOffset = position();
        long storedCrc = 0;
        long isize = 0;
        for (int i = 0; i < GzipHeader.TRAILER_LENGTH; i++) {
            if (!fill()) {
                throw new GzipException(GzipException.Reason.TRUNCATED, position(),
                        "unexpected end of input in the trailer (" + i + " of 8 bytes)");
            }
            long b = buffer[bufferPosition++] & 0xff;
            if (i < 4) {
                storedCrc |= b << (8 * i);
            } else {
                isize |= b << (8 * (i - 4));
            }
        }
        if (storedCrc != crc.getValue()) {
            throw new GzipException(GzipException.Reason.BAD_CRC, trailerOffset,
                    String.format("crc32=%08x in the trailer, %08x computed", storedCrc, crc.getValue()));
        }
        if (isize != (memberSize & 0xffffffffL)) {
            throw new GzipException(GzipException.Reason.BAD_LENGTH, trailerOffset + 4, "isize=" + isize
                    + " in the trailer, " + (memberSize & 0xffffffffL) + " decompressed (modulo 2^32, of "
                    + memberSize + ")");
        }
        members++;
        inMember = false;
    }

    /** Reads the rest of the stream as trailing bytes. */
    private void trailing() throws IOException {
        long start = position();
        while (fill()) {
            for (int i = bufferPosition; i < bufferLimit && !trailingGarbage; i++) {
                trailingGarbage = buffer[i] != 0;
            }
            trailingBytes += bufferLimit - bufferPosition;
            bufferPosition = bufferLimit;
        }
        done = true;
        if (trailingGarbage && strict) {
            throw new GzipException(GzipException.Reason.TRAILING_GARBAGE, start,
                    trailingBytes + " bytes after the last gzip member, not all zeros");
        }
    }

    /** The byte {@code ahead} bytes after the current position without consuming it, or -1 at the end. */
    private int peek(int ahead) throws IOException {
        if (bufferLimit - bufferPosition <= ahead) {
            if (bufferPosition > 0) {
                System.arraycopy(buffer, bufferPosition, buffer, 0, bufferLimit - bufferPosition);
                bufferOffset += bufferPosition;
                bufferLimit -= bufferPosition;
                bufferPosition = 0;
            }
            while (bufferLimit <= ahead && !endOfInput) {
                int n = in.read(buffer, bufferLimit, buffer.length - bufferLimit);
                if (n < 0) {
                    endOfInput = true;
                } else {
                    bufferLimit += n;
                }
            }
            if (bufferLimit <= ahead) {
                return -1;
            }
        }
        return buffer[bufferPosition + ahead] & 0xff;
    }

    /** Makes at least one unconsumed byte available in the buffer; false at the end of the input. */
    private boolean fill() throws IOException {
        if (bufferPosition < bufferLimit) {
            return true;
        }
        while (!endOfInput) {
            bufferOffset += bufferLimit;
            bufferPosition = 0;
            bufferLimit = 0;
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                endOfInput = true;
            } else if (n > 0) {
                bufferLimit = n;
                return true;
            }
        }
        return false;
    }

    /** The offset in the compressed stream of the next byte to consume. */
    private long position() {
        return bufferOffset + bufferPosition;
    }

    @Override
    public int available() throws IOException {
        ensureOpen();
        return 0;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
    }

    /** Closes the underlying stream and frees the inflater's native memory. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            inflater.end();
            in.close();
        }
    }
}
