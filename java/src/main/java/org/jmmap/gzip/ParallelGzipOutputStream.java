package org.jmmap.gzip;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Compresses what is written to it in parallel, as {@code pigz} compresses a pipe, into any {@link OutputStream}:
 * the data is cut into blocks of {@link GzipOptions#blockSize()} bytes that the options' threads compress at once
 * (in the options' {@link GzipFormat}), and the compressed blocks are written to the underlying stream in order, by
 * the thread that calls {@code write}, {@code flush} or {@code close}. At most two blocks per thread are in flight:
 * when they are, {@code write} waits, so a slow underlying stream slows the writer down instead of filling memory.
 *
 * <pre>{@code
 * try (OutputStream gz = new ParallelGzipOutputStream(Files.newOutputStream(Path.of("log.gz")),
 *         GzipOptions.defaults().withThreads(4))) {
 *     gz.write(bytes);
 * }
 * }</pre>
 *
 * <p>{@link #flush()} compresses what was written so far as a short block ended with a sync flush (BGZF: a short
 * member) and writes it, so that a reader of the underlying stream can decompress everything written before the
 * flush; flushing often costs compression. {@link #finish()} ends the gzip data (trailer, or BGZF end-of-file block)
 * without closing the underlying stream; {@link #close()} finishes and closes it. Not thread-safe: one writer at a
 * time. A failure of a compressing thread or of the underlying stream is thrown by the next call.
 */
public final class ParallelGzipOutputStream extends OutputStream {

    private final OutputStream out;
    private final GzipFormat format;
    private final int blockSize;
    private final int window;
    private final GzipProgressListener progress;
    private final ExecutorService pool;
    private final BlockCompressor compressor;
    private final ArrayDeque<Future<Block>> pending = new ArrayDeque<>();
    private final byte[] single = new byte[1];

    /** The block being filled: dictionary, then data. */
    private ByteBuffer current;
    private int dictionaryLength;
    private long submitted;
    private long written;
    private long uncompressed;
    private int crc;
    private boolean finished;
    private boolean closed;

    /** A stream with the default options: a gzip header without name or time. */
    public ParallelGzipOutputStream(OutputStream out) throws IOException {
        this(out, GzipOptions.defaults(), null, null);
    }

    /** A stream with {@code options} (level, threads, block size, format, progress); no name or time. */
    public ParallelGzipOutputStream(OutputStream out, GzipOptions options) throws IOException {
        this(out, options, null, null);
    }

    /**
     * A stream with {@code options} whose gzip header carries {@code name} and {@code modified} (either may be null
     * for none; BGZF has neither). The header is written at once.
     *
     * @throws IllegalArgumentException if the options ask for an index (only files have one)
     * @throws IOException              if writing the header fails
     */
    public ParallelGzipOutputStream(OutputStream out, GzipOptions options, String name, Instant modified)
            throws IOException {
        this.out = Objects.requireNonNull(out, "out");
        if (options.writesIndex()) {
            throw new IllegalArgumentException("writeIndex=true: a stream has no index, only ParallelGzip.compress");
        }
        this.format = options.format();
        this.blockSize = format == GzipFormat.BGZF ? BlockCompressor.bgzfBlockSize(options.blockSize())
                : options.blockSize();
        this.window = 2 * options.threads();
        this.progress = options.progress();
        if (format != GzipFormat.BGZF) {
            byte[] header = GzipHeader.encode(name, modified == null ? 0 : GzipHeader.mtimeField(modified),
                    options.level());
            out.write(header);
            written += header.length;
        }
        this.compressor = new BlockCompressor(format, options.level(), blockSize, false);
        this.pool = Workers.start(options.threads());
        this.current = compressor.inputBuffer();
        this.current.position(0);
    }

    @Override
    public void write(int b) throws IOException {
        single[0] = (byte) b;
        write(single, 0, 1);
    }

    /**
     * Takes {@code length} bytes; compresses and writes whole blocks as they fill, waiting when two blocks per
     * thread are in flight.
     */
    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        ensureOpen();
        while (length > 0) {
            int room = dictionaryLength + blockSize - current.position();
            int count = Math.min(room, length);
            current.put(bytes, offset, count);
            offset += count;
            length -= count;
            if (count == room) {
                submit(false);
            }
        }
    }

    /**
     * Compresses and writes everything written so far (a short block ended with a sync flush), then flushes the
     * underlying stream.
     */
    @Override
    public void flush() throws IOException {
        ensureOpen();
        if (current.position() > dictionaryLength) {
            submit(false);
        }
        drain(0);
        out.flush();
    }

    /**
     * Ends the gzip data: compresses the rest, writes the trailer (BGZF: the end-of-file block), and stops the
     * threads; the underlying stream stays open. Later writes throw.
     */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        try {
            ensureOpen();
            submit(true);
            drain(0);
            if (format == GzipFormat.BGZF) {
                out.write(Bgzf.EOF_BLOCK);
                written += Bgzf.EOF_BLOCK.length;
            } else {
                byte[] trailer = ByteBuffer.allocate(GzipHeader.TRAILER_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
                        .putInt(crc).putInt((int) uncompressed).array();
                out.write(trailer);
                written += trailer.length;
            }
            report();
        } finally {
            finished = true;
            release();
        }
    }

    /** Finishes the gzip data and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            finish();
        } finally {
            closed = true;
            out.close();
        }
    }

    /** Hands the current block to the threads (at most {@link #window} in flight) and starts the next one. */
    private void submit(boolean last) throws IOException {
        ByteBuffer input = current;
        int data = input.position() - dictionaryLength;
        Block block = new Block(this, submitted, dictionaryLength, data, last);
        block.input = input;
        if (!last) {
            ByteBuffer next = compressor.inputBuffer();
            int dictionary = format == GzipFormat.SINGLE_MEMBER
                    ? Math.min(BlockCompressor.DICTIONARY, input.position()) : 0;
            next.put(input.duplicate().flip().position(input.position() - dictionary));
            current = next;
            dictionaryLength = dictionary;
        }
        drain(window - 1);
        pending.add(pool.submit(() -> {
            compressor.compress(block);
            return block;
        }));
        submitted += data;
    }

    /** Writes compressed blocks, oldest first, until at most {@code left} are in flight. */
    private void drain(int left) throws IOException {
        while (pending.size() > left) {
            Block block = Workers.await(pending.peek());
            pending.poll();
            ByteBuffer compressed = block.output;
            out.write(compressed.array(), compressed.arrayOffset() + compressed.position(), compressed.remaining());
            written += compressed.remaining();
            crc = Crc32Combine.combine(crc, block.crc, block.dataLength);
            uncompressed += block.dataLength;
            compressor.recycle(block);
            report();
        }
    }

    private void report() {
        if (progress != null) {
            progress.progress(uncompressed, written);
        }
    }

    private void ensureOpen() throws IOException {
        if (finished) {
            throw new IOException("ParallelGzipOutputStream is " + (closed ? "closed" : "finished"));
        }
    }

    /** Stops the threads and frees the deflaters. */
    private void release() {
        Workers.stop(pool);
        pending.clear();
        compressor.close();
    }
}
