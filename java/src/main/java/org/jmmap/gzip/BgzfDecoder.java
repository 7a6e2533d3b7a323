package org.jmmap.gzip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses BGZF blocks in parallel, as htslib's multi-threaded reader does: the calling thread walks the
 * blocks by their headers (BSIZE gives each block's size, ISIZE at its end its output size), groups consecutive
 * blocks into batches of about a mebibyte, and hands the batches to the worker threads, which copy their blocks out
 * of the mapping, inflate every block and check its CRC-32 and length; the calling thread writes the batches in
 * order. At most two batches per thread are in flight.
 *
 * <p>It stops at the first member that is not a BGZF block of the usual 18-byte header, that claims more than
 * 65536 bytes of output, or that runs past the end of the input, and returns where: the sequential decoder carries
 * on from there with whatever follows (another kind of member, a truncated one, trailing bytes).
 */
final class BgzfDecoder {

    /** Compressed bytes per batch (a batch holds at least one block). */
    private static final int BATCH_INPUT = 1 << 20;
    /** Blocks per batch at most: bounds a batch's output to 64 blocks of 64 KiB. */
    private static final int BATCH_BLOCKS = 64;
    /** Most output of one block. */
    private static final int BLOCK_OUTPUT = Bgzf.MAX_BLOCK;
    /** Smallest block: header, two bytes of deflate data (an empty fixed block), trailer. */
    private static final int MIN_BLOCK = Bgzf.HEADER_LENGTH + 2 + Bgzf.TRAILER_LENGTH;

    private final Decoding decoding;
    private final MappedInput input;
    private final long size;
    private final ConcurrentLinkedQueue<ByteBuffer> inputs = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ByteBuffer> outputs = new ConcurrentLinkedQueue<>();
    private final Inflaters inflaters = new Inflaters();

    BgzfDecoder(Decoding decoding) {
        this.decoding = decoding;
        this.input = decoding.input;
        this.size = input.size();
    }

    /** Consecutive blocks, and once inflated, their output. */
    private static final class Batch {
        final long start;
        final int[] lengths = new int[BATCH_BLOCKS];
        final int[] outputLengths = new int[BATCH_BLOCKS];
        int blocks;
        int inputLength;
        int outputLength;
        ByteBuffer output;
        int crc;

        Batch(long start) {
            this.start = start;
        }

        long end() {
            return start + inputLength;
        }
    }

    /** Decodes the BGZF blocks from {@code position} on; returns where the blocks stop. */
    long run(long position) throws IOException {
        int threads = decoding.options.threads();
        int window = 2 * threads;
        ArrayDeque<Future<Batch>> pending = new ArrayDeque<>();
        ExecutorService pool = Workers.start(threads);
        try {
            boolean more = true;
            while (true) {
                while (more && pending.size() < window) {
                    Batch batch = scan(position);
                    if (batch.blocks == 0) {
                        more = false;
                    } else {
                        position = batch.end();
                        pending.add(pool.submit(() -> inflate(batch)));
                        more = position < size;
                    }
                }
                if (pending.isEmpty()) {
                    return position;
                }
                Batch batch = Workers.await(pending.poll());
                decoding.write(batch.output, batch.end());
                decoding.crc = Crc32Combine.combine(decoding.crc, batch.crc, batch.outputLength);
                decoding.uncompressed += batch.outputLength;
                decoding.members += batch.blocks;
                outputs.add(batch.output.clear());
                batch.output = null;
            }
        } finally {
            Workers.stop(pool);
            inflaters.close();
        }
    }

    /**
     * The batch of plain BGZF blocks from {@code position}: as many as fit {@link #BATCH_INPUT} and
     * {@link #BATCH_BLOCKS}; none if the member there is not one.
     */
    private Batch scan(long position) throws IOException {
        Batch batch = new Batch(position);
        byte[] header = new byte[Bgzf.HEADER_LENGTH];
        while (batch.blocks < BATCH_BLOCKS && size - position >= MIN_BLOCK) {
            input.read(position, ByteBuffer.wrap(header));
            if (!Bgzf.isPlainHeader(header)) {
                break;
            }
            int length = ((header[Bgzf.BSIZE_OFFSET] & 0xff) | (header[Bgzf.BSIZE_OFFSET + 1] & 0xff) << 8) + 1;
            if (length < MIN_BLOCK || length > size - position || batch.inputLength + length > BATCH_INPUT) {
                break;
            }
            long isize = input.readUnsignedInt(position + length - 4);
            if (isize > BLOCK_OUTPUT) {
                break;
            }
            batch.lengths[batch.blocks] = length;
            batch.outputLengths[batch.blocks] = (int) isize;
            batch.blocks++;
            batch.inputLength += length;
            batch.outputLength += (int) isize;
            position += length;
        }
        return batch;
    }

    /** Copies the batch's blocks out of the mapping, inflates and checks each. Runs on a worker thread. */
    private Batch inflate(Batch batch) throws IOException {
        ByteBuffer in = inputs.poll();
        if (in == null) {
            in = ByteBuffer.allocateDirect(BATCH_INPUT);
        }
        ByteBuffer out = outputs.poll();
        if (out == null) {
            out = ByteBuffer.allocateDirect(BATCH_BLOCKS * BLOCK_OUTPUT + 1);
        }
        in.clear().limit(batch.inputLength).order(ByteOrder.LITTLE_ENDIAN);
        input.read(batch.start, in);
        Inflater inflater = inflaters.take();
        CRC32 crc = new CRC32();
        try {
            int at = 0;
            int batchCrc = 0;
            for (int block = 0; block < batch.blocks; block++) {
                int length = batch.lengths[block];
                int expected = batch.outputLengths[block];
                long offset = batch.start + at;
                ByteBuffer data = in.duplicate().limit(at + length - Bgzf.TRAILER_LENGTH)
                        .position(at + Bgzf.HEADER_LENGTH);
                int outStart = out.position();
                // One byte of room beyond ISIZE, to tell a block that inflates to more than it says.
                ByteBuffer target = out.duplicate().limit(outStart + expected + 1);
                inflater.reset();
                inflater.setInput(data);
                try {
                    while (!inflater.finished() && data.hasRemaining() && target.hasRemaining()) {
                        int consumed = data.position();
                        if (inflater.inflate(target) == 0 && data.position() == consumed) {
                            break;
                        }
                    }
                } catch (DataFormatException e) {
                    GzipException corrupt = new GzipException(GzipException.Reason.CORRUPT_DATA,
                            batch.start + data.position(), "invalid deflate data (" + e.getMessage() + ")");
                    corrupt.initCause(e);
                    throw corrupt;
                }
                int produced = target.position() - outStart;
                long trailer = offset + length - Bgzf.TRAILER_LENGTH;
                if (produced > expected) {
                    throw new GzipException(GzipException.Reason.BAD_LENGTH, trailer + 4, "isize=" + expected
                            + " in the trailer, more decompressed");
                }
                if (!inflater.finished()) {
                    throw new GzipException(GzipException.Reason.CORRUPT_DATA, trailer,
                            "deflate data runs past the end of the BGZF block (bsize=" + length + ")");
                }
                if (data.hasRemaining()) {
                    throw new GzipException(GzipException.Reason.CORRUPT_DATA, batch.start + data.position(),
                            "deflate data ends " + data.remaining() + " bytes before the trailer");
                }
                if (produced != expected) {
                    throw new GzipException(GzipException.Reason.BAD_LENGTH, trailer + 4, "isize=" + expected
                            + " in the trailer, " + produced + " decompressed");
                }
                crc.reset();
                crc.update(out.duplicate().limit(outStart + produced).position(outStart));
                int actual = (int) crc.getValue();
                int stored = in.getInt(at + length - Bgzf.TRAILER_LENGTH);
                if (actual != stored) {
                    throw new GzipException(GzipException.Reason.BAD_CRC, trailer, String.format(
                            "crc32=%08x in the trailer, %08x computed", stored, actual));
                }
                batchCrc = Crc32Combine.combine(batchCrc, actual, produced);
                out.position(outStart + produced);
                at += length;
            }
            batch.crc = batchCrc;
            batch.output = out.flip();
            return batch;
        } finally {
            inflaters.give(inflater);
            inputs.add(in);
        }
    }
}
