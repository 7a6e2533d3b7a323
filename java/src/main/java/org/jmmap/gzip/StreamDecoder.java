package org.jmmap.gzip;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses gzip members one after the other, pipelined as {@code pigz -d} does: the calling thread inflates,
 * while (with more than one thread) one lane copies the next compressed chunk out of the mapping, one computes the
 * CRC-32 of what was inflated, and one writes it. A member's deflate data can only be inflated from its start, so
 * this is as parallel as a single member gets. After the last member it classifies what follows: nothing, zero
 * padding, or trailing garbage.
 */
final class StreamDecoder implements AutoCloseable {

    /** Compressed bytes copied out of the mapping at a time. */
    private static final int CHUNK = 1 << 20;
    /** Uncompressed bytes handed to the check and write lanes at a time. */
    private static final int OUTPUT = 1 << 20;
    /** Output buffers in the pipeline: one inflating, one checked, one written, one spare. */
    private static final int OUTPUTS = 4;

    private final Decoding decoding;
    private final MappedInput input;
    private final long size;
    private final Lane reads;
    private final Lane checks;
    private final Lane writes;
    private final Inflater inflater = new Inflater(true);
    /** CRC-32 of the current member's output so far; used on the check lane only. */
    private final CRC32 memberCrc = new CRC32();
    private final ArrayBlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(OUTPUTS);
    private int allocated;

    /** The chunk the inflater reads, and the next one, read ahead. */
    private ByteBuffer current = ByteBuffer.allocateDirect(CHUNK);
    private ByteBuffer spare = ByteBuffer.allocateDirect(CHUNK);
    private long currentStart = -1;
    private long spareStart = -1;

    StreamDecoder(Decoding decoding) {
        this.decoding = decoding;
        this.input = decoding.input;
        this.size = input.size();
        boolean pipelined = decoding.options.threads() > 1;
        this.reads = pipelined ? Lane.onThread("read") : Lane.inline();
        this.checks = pipelined ? Lane.onThread("check") : Lane.inline();
        this.writes = pipelined && decoding.output != null ? Lane.onThread("write") : Lane.inline();
    }

    /**
     * Decodes the members from {@code position} to the end of the input and classifies any bytes after the last.
     *
     * @param expectMember whether a member must start at {@code position} (the start of the file): otherwise
     *                     bytes there that do not look like a member are trailing bytes
     */
    void run(long position, boolean expectMember) throws IOException {
        while (position < size) {
            if (expectMember || looksLikeMember(position)) {
                position = member(position);
                expectMember = false;
            } else {
                trailing(position);
                break;
            }
        }
        checks.await();
        writes.await();
    }

    /** Whether the bytes at {@code position} start a gzip member (or the start of one cut short). */
    private boolean looksLikeMember(long position) throws IOException {
        byte[] magic = input.read(position, (int) Math.min(2, size - position));
        return (magic[0] & 0xff) == GzipHeader.ID1 && (magic.length == 1 || (magic[1] & 0xff) == GzipHeader.ID2);
    }

    /** Decodes the member at {@code position}, returning where it ends. */
    private long member(long position) throws IOException {
        GzipHeader header = GzipHeader.read(input.cursor(position), position);
        if (decoding.firstHeader == null) {
            decoding.firstHeader = header;
        }
        decoding.allBgzf &= header.isBgzf();
        inflater.reset();
        long dataStart = position + header.length();
        if (dataStart >= size) {
            throw new GzipException(GzipException.Reason.TRUNCATED, size,
                    "unexpected end of input, expected deflate data");
        }
        ByteBuffer in = chunkAt(dataStart);
        long inStart = currentStart;
        inflater.setInput(in);
        long produced = 0;
        ByteBuffer out = null;
        while (true) {
            if (out == null) {
                out = takeOutput();
            }
            try {
                produced += inflater.inflate(out);
            } catch (DataFormatException e) {
                GzipException corrupt = new GzipException(GzipException.Reason.CORRUPT_DATA,
                        inStart + in.position(), "invalid deflate data (" + e.getMessage() + ")");
                corrupt.initCause(e);
                throw corrupt;
            }
            if (!out.hasRemaining()) {
                handOff(out, inStart + in.position());
                out = null;
            }
            if (inflater.finished()) {
                break;
            }
            if (inflater.needsDictionary()) {
                throw new GzipException(GzipException.Reason.CORRUPT_DATA, inStart + in.position(),
                        "the deflate data asks for a preset dictionary, which gzip has none of");
            }
            if (inflater.needsInput()) {
                long next = inStart + in.limit();
                if (next >= size) {
                    throw new GzipException(GzipException.Reason.TRUNCATED, size,
                            "unexpected end of input in deflate data");
                }
                in = chunkAt(next);
                inStart = currentStart;
                inflater.setInput(in);
            }
            checks.check();
            writes.check();
        }
        long end = inStart + in.position();
        if (out != null) {
            if (out.position() > 0) {
                handOff(out, end);
            } else {
                free.add(out);
            }
        }
        return trailer(end, produced);
    }

    /** Checks the trailer at {@code end} of a member that inflated to {@code produced} bytes; returns its end. */
    private long trailer(long end, long produced) throws IOException {
        if (size - end < GzipHeader.TRAILER_LENGTH) {
            throw new GzipException(GzipException.Reason.TRUNCATED, size,
                    "unexpected end of input in the trailer (" + (size - end) + " of 8 bytes)");
        }
        ByteBuffer trailer = ByteBuffer.wrap(input.read(end, GzipHeader.TRAILER_LENGTH))
                .order(ByteOrder.LITTLE_ENDIAN);
        int expectedCrc = trailer.getInt();
        long isize = trailer.getInt() & 0xffffffffL;
        checks.submit(failed -> {
            if (failed) {
                return;
            }
            int actual = (int) memberCrc.getValue();
            memberCrc.reset();
            if (actual != expectedCrc) {
                throw new GzipException(GzipException.Reason.BAD_CRC, end, String.format(
                        "crc32=%08x in the trailer, %08x computed", expectedCrc, actual));
            }
            decoding.crc = Crc32Combine.combine(decoding.crc, actual, produced);
        });
        if ((produced & 0xffffffffL) != isize) {
            throw new GzipException(GzipException.Reason.BAD_LENGTH, end + 4, "isize=" + isize
                    + " in the trailer, " + (produced & 0xffffffffL) + " decompressed (modulo 2^32, of " + produced
                    + ")");
        }
        decoding.members++;
        decoding.uncompressed += produced;
        return end + GzipHeader.TRAILER_LENGTH;
    }

    /** Counts the bytes from {@code position} to the end as trailing bytes, and judges them. */
    private void trailing(long position) throws IOException {
        decoding.trailingBytes = size - position;
        ByteBuffer chunk = ByteBuffer.allocateDirect((int) Math.min(CHUNK, size - position));
        for (long at = position; at < size && !decoding.trailingGarbage; at += chunk.limit()) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), size - at));
            input.read(at, chunk);
            chunk.flip();
            while (chunk.remaining() >= Long.BYTES && !decoding.trailingGarbage) {
                decoding.trailingGarbage = chunk.getLong() != 0;
            }
            while (chunk.hasRemaining() && !decoding.trailingGarbage) {
                decoding.trailingGarbage = chunk.get() != 0;
            }
        }
        if (decoding.trailingGarbage && decoding.options.isStrict()) {
            throw new GzipException(GzipException.Reason.TRAILING_GARBAGE, position,
                    decoding.trailingBytes + " bytes after the last gzip member, not all zeros");
        }
    }

    /** Hands an inflated buffer to the check lane and (when decompressing) the write lane. */
    private void handOff(ByteBuffer out, long compressedPosition) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted while decompressing");
        }
        out.flip();
        boolean writing = decoding.output != null;
        AtomicInteger users = new AtomicInteger(writing ? 2 : 1);
        checks.submit(failed -> {
            try {
                if (!failed) {
                    memberCrc.update(out.duplicate());
                    if (!writing) {
                        decoding.write(out.duplicate(), compressedPosition);
                    }
                }
            } finally {
                release(out, users);
            }
        });
        if (writing) {
            writes.submit(failed -> {
                try {
                    if (!failed) {
                        decoding.write(out.duplicate(), compressedPosition);
                    }
                } finally {
                    release(out, users);
                }
            });
        }
    }

    private void release(ByteBuffer out, AtomicInteger users) {
        if (users.decrementAndGet() == 0) {
            free.add(out.clear());
        }
    }

    private ByteBuffer takeOutput() throws IOException {
        ByteBuffer out = free.poll();
        if (out != null) {
            return out;
        }
        if (allocated < OUTPUTS) {
            allocated++;
            return ByteBuffer.allocateDirect(OUTPUT);
        }
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the gzip check and write threads");
        }
    }

    /**
     * A view of the compressed input from {@code position} to the end of the chunk that holds it (position 0 of
     * the view's buffer is {@link #currentStart}); reads the next chunk ahead on the read lane.
     */
    private ByteBuffer chunkAt(long position) throws IOException {
        if (currentStart < 0 || position < currentStart || position >= currentStart + current.limit()) {
            reads.await(); // the read ahead, if any, has finished with the spare buffer
            if (position == spareStart) {
                ByteBuffer swap = current;
                current = spare;
                spare = swap;
            } else {
                current.clear().limit((int) Math.min(CHUNK, size - position));
                input.read(position, current);
                current.flip();
            }
            currentStart = position;
            long next = currentStart + current.limit();
            spareStart = -1;
            if (next < size) {
                ByteBuffer ahead = spare;
                reads.submit(failed -> {
                    ahead.clear().limit((int) Math.min(CHUNK, size - next));
                    input.read(next, ahead);
                    ahead.flip();
                });
                spareStart = next;
            }
        }
        return current.duplicate().position((int) (position - currentStart));
    }

    @Override
    public void close() {
        reads.close();
        checks.close();
        writes.close();
        inflater.end();
    }
}
