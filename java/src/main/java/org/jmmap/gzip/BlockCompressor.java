package org.jmmap.gzip;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Compresses {@link Block}s in the layout of a {@link GzipFormat}, on any number of threads at once, as
 * {@code pigz}'s {@code compress_thread} does: raw deflate (no zlib or gzip wrapper) at the level given, with the
 * block's dictionary set first, ended with a sync flush so that blocks can be concatenated as bytes
 * ({@link GzipFormat#SINGLE_MEMBER}); without a dictionary and with a sync flush and a full flush, pigz's two
 * markers ({@link GzipFormat#INDEPENDENT}); the last block finishes the deflate stream. For {@link GzipFormat#BGZF}
 * every 65280 bytes become one complete BGZF member.
 *
 * <p>(pigz, with zlib 1.2.6 or later, avoids the four to five bytes of a sync marker when the stream happens to end
 * on a byte boundary or can get there with empty static blocks, which needs zlib's {@code deflatePending} and
 * {@code deflatePrime}; the JDK's {@code Deflater} has neither, so every block but the last ends with the marker:
 * about one byte a block more than pigz, 0.003% of the output at level 6.)
 *
 * <p>Deflaters and buffers are pooled; the pools hold as many as were ever in use at once, which the callers bound
 * (about two blocks per thread). {@link #close()} frees the deflaters' native memory; it must not run while a
 * thread still compresses.
 */
final class BlockCompressor implements AutoCloseable {

    /** The deflate window: how much input before a block serves as its dictionary. */
    static final int DICTIONARY = 32 * 1024;

    private final GzipFormat format;
    private final int level;
    private final int blockSize;
    private final boolean directOutput;
    private final int outputCapacity;
    private final ConcurrentLinkedQueue<ByteBuffer> inputs = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ByteBuffer> outputs = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Deflater> idle = new ConcurrentLinkedQueue<>();
    private final List<Deflater> deflaters = new ArrayList<>();

    /**
     * @param blockSize    the most data bytes a block holds (for BGZF, a multiple of 65280 or less than it)
     * @param directOutput whether outputs are direct buffers (to write to a channel) or heap buffers (to an
     *                     {@code OutputStream})
     */
    BlockCompressor(GzipFormat format, int level, int blockSize, boolean directOutput) {
        this.format = format;
        this.level = level;
        this.blockSize = blockSize;
        this.directOutput = directOutput;
        this.outputCapacity = format == GzipFormat.BGZF
                ? Math.max(1, (blockSize + Bgzf.MAX_INPUT - 1) / Bgzf.MAX_INPUT) * Bgzf.MAX_BLOCK
                : bound(blockSize);
    }

    /** The block size of BGZF work units: a whole number of 65280-byte members, at least one. */
    static int bgzfBlockSize(int blockSize) {
        return Math.max(1, blockSize / Bgzf.MAX_INPUT) * Bgzf.MAX_INPUT;
    }

    /** Room for {@code length} bytes deflated with a flush: zlib's {@code deflateBound} and the flush markers. */
    private static int bound(int length) {
        return length + (length >>> 12) + (length >>> 14) + (length >>> 25) + 64;
    }

    /** An empty input buffer for a block: room for the dictionary and a block of data. */
    ByteBuffer inputBuffer() {
        ByteBuffer buffer = inputs.poll();
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(DICTIONARY + blockSize);
        }
        return buffer.clear();
    }

    /**
     * Compresses {@code block}: sets its output and CRC (and member lengths for BGZF) and returns its input buffer
     * to the pool. Called by any number of threads at once.
     */
    void compress(Block block) {
        ByteBuffer input = block.input;
        ByteBuffer data = input.duplicate().limit(block.dictionaryLength + block.dataLength)
                .position(block.dictionaryLength);
        Deflater deflater = deflater();
        try {
            if (format == GzipFormat.BGZF) {
                compressBgzf(deflater, block, data);
            } else {
                CRC32 crc = new CRC32();
                crc.update(data.duplicate());
                block.crc = (int) crc.getValue();
                deflater.reset();
                if (block.dictionaryLength > 0) {
                    deflater.setDictionary(input.duplicate().position(0).limit(block.dictionaryLength));
                }
                deflater.setInput(data);
                ByteBuffer output = outputBuffer();
                if (block.last) {
                    output = finish(deflater, output);
                } else {
                    output = flush(deflater, output, Deflater.SYNC_FLUSH);
                    if (format == GzipFormat.INDEPENDENT) {
                        output = flush(deflater, output, Deflater.FULL_FLUSH);
                    }
                }
                block.output = output.flip();
            }
        } finally {
            idle.add(deflater);
        }
        block.input = null;
        inputs.add(input);
    }

    /** Each 65280 bytes (or fewer, at the end) as one BGZF member: header, deflate data, CRC-32, ISIZE. */
    private void compressBgzf(Deflater deflater, Block block, ByteBuffer data) {
        int members = (block.dataLength + Bgzf.MAX_INPUT - 1) / Bgzf.MAX_INPUT;
        int[] lengths = new int[members];
        ByteBuffer output = outputBuffer().order(ByteOrder.LITTLE_ENDIAN);
        CRC32 crc = new CRC32();
        int blockCrc = 0;
        for (int member = 0; member < members; member++) {
            int length = Math.min(Bgzf.MAX_INPUT, data.remaining());
            ByteBuffer slice = data.duplicate().limit(data.position() + length);
            data.position(data.position() + length);
            int start = output.position();
            int bodyStart = start + Bgzf.HEADER_LENGTH;
            ByteBuffer body = output.duplicate().limit(start + Bgzf.MAX_BLOCK - Bgzf.TRAILER_LENGTH)
                    .position(bodyStart);
            boolean deflated = false;
            if (level > 0) {
                deflater.reset();
                deflater.setInput(slice.duplicate());
                deflater.finish();
                while (!deflater.finished() && body.hasRemaining()) {
                    deflater.deflate(body, Deflater.NO_FLUSH);
                }
                deflated = deflater.finished();
            }
            if (deflated) {
                output.position(body.position());
            } else {
                // Stored, as htslib writes level 0, and whenever deflate would not fit a block (never with zlib's
                // levels 1 to 9: 65280 random bytes deflate to 65300 bytes or so).
                output.position(bodyStart);
                output.put((byte) 1).putShort((short) length).putShort((short) ~length).put(slice.duplicate());
            }
            crc.reset();
            crc.update(slice);
            int memberCrc = (int) crc.getValue();
            blockCrc = Crc32Combine.combine(blockCrc, memberCrc, length);
            output.putInt(memberCrc).putInt(length);
            int blockLength = output.position() - start;
            output.put(start, Bgzf.header(blockLength));
            lengths[member] = blockLength;
        }
        block.crc = blockCrc;
        block.memberLengths = lengths;
        block.output = output.order(ByteOrder.BIG_ENDIAN).flip();
    }

    /** Deflates all input with a flush of {@code mode}, growing the output as needed. */
    private ByteBuffer flush(Deflater deflater, ByteBuffer output, int mode) {
        int room;
        int written;
        do {
            if (!output.hasRemaining()) {
                output = grow(output);
            }
            room = output.remaining();
            written = deflater.deflate(output, mode);
        } while (written == room);
        return output;
    }

    /** Deflates all input and ends the deflate stream, growing the output as needed. */
    private ByteBuffer finish(Deflater deflater, ByteBuffer output) {
        deflater.finish();
        while (!deflater.finished()) {
            if (!output.hasRemaining()) {
                output = grow(output);
            }
            deflater.deflate(output, Deflater.NO_FLUSH);
        }
        return output;
    }

    private ByteBuffer grow(ByteBuffer full) {
        ByteBuffer bigger = allocate(full.capacity() * 2);
        return bigger.put(full.flip());
    }

    private ByteBuffer outputBuffer() {
        ByteBuffer buffer = outputs.poll();
        return buffer == null ? allocate(outputCapacity) : buffer.clear();
    }

    private ByteBuffer allocate(int capacity) {
        return directOutput ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
    }

    /** Returns {@code block}'s output buffer to the pool, once written. */
    void recycle(Block block) {
        if (block.output != null) {
            outputs.add(block.output);
            block.output = null;
        }
    }

    private Deflater deflater() {
        Deflater deflater = idle.poll();
        if (deflater == null) {
            deflater = new Deflater(level, true);
            synchronized (deflaters) {
                deflaters.add(deflater);
            }
        }
        return deflater;
    }

    /** Frees every deflater's native memory. No thread may be compressing. */
    @Override
    public void close() {
        synchronized (deflaters) {
            for (Deflater deflater : deflaters) {
                deflater.end();
            }
            deflaters.clear();
        }
        idle.clear();
    }
}
