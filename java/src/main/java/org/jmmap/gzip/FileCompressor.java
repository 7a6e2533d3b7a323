package org.jmmap.gzip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.zip.Deflater;

/**
 * Compresses files in parallel, as {@code pigz}'s {@code parallel_compress} and {@code write_thread} do, with the
 * input mapped instead of read: the calling thread cuts each input into blocks and hands them to the worker
 * threads, which copy their block (and the 32 KiB of dictionary before it) out of the mapping, compute its CRC-32
 * and compress it; the calling thread writes the compressed blocks in order, combines their CRCs and writes the
 * trailer. At most two blocks per thread and three more are in flight ({@link BlockCompressor#window}), which
 * bounds memory whatever the file sizes. With one thread, when the oldest block is not ready, the calling thread
 * waits for the one half the window later and then writes all that are ready: it wakes up once for several blocks,
 * not once per block (about 3% of the CPU time at level 1, where each wake-up is a context switch). With more
 * threads it finds several blocks ready at most wake-ups anyway, and the same wait measured no better.
 *
 * <p>With one thread and {@link GzipFormat#SINGLE_MEMBER}, each file is one deflate stream carried from block to
 * block, as {@code pigz -p 1} and {@code gzip} make it: no block then pays for loading its dictionary (some 8% of
 * the time at level 1), and the output is a little smaller.
 *
 * <p>Several files form one stream of blocks: the blocks of the next file start while the last ones of the
 * previous file are still compressed, so many small files keep every thread busy as well as one large file does.
 * Each output is written under a temporary name and renamed when complete.
 */
final class FileCompressor {

    private final GzipOptions options;
    private final GzipFormat format;
    private final int blockSize;
    private final GzipProgressListener progress;
    /** One thread, one member: each file is one deflate stream carried from block to block (as pigz -p 1). */
    private final boolean serial;
    private long bytesRead;
    private long bytesWritten;

    private FileCompressor(GzipOptions options) {
        this.options = options;
        this.format = options.format();
        this.blockSize = format == GzipFormat.BGZF ? BlockCompressor.bgzfBlockSize(options.blockSize())
                : options.blockSize();
        this.progress = options.progress();
        this.serial = options.threads() == 1 && format == GzipFormat.SINGLE_MEMBER;
    }

    /**
     * Compresses {@code inputs[i]} to {@code outputs[i]} for every i, returning the results in the same order.
     * On failure, outputs already complete stay; the others are not created.
     */
    static List<GzipResult> compress(List<Path> inputs, List<Path> outputs, GzipOptions options) throws IOException {
        if (options.writesIndex() && options.format() != GzipFormat.BGZF) {
            throw new IllegalArgumentException("writeIndex=true needs format=BGZF, not format=" + options.format());
        }
        return new FileCompressor(options).run(inputs, outputs);
    }

    private List<GzipResult> run(List<Path> inputs, List<Path> outputs) throws IOException {
        int threads = options.threads();
        int window = BlockCompressor.window(threads);
        List<GzipResult> results = new ArrayList<>(inputs.size());
        List<Target> open = new ArrayList<>();
        ArrayDeque<Future<Block>> pending = new ArrayDeque<>();
        ExecutorService pool = Workers.start(threads);
        BlockCompressor compressor = new BlockCompressor(format, options.level(), blockSize, true);
        try {
            int next = 0;
            Target producing = null;
            while (true) {
                while (pending.size() < window && (producing != null || next < inputs.size())) {
                    if (producing == null) {
                        producing = open(inputs.get(next), outputs.get(next));
                        open.add(producing);
                        next++;
                    }
                    Block block = producing.nextBlock();
                    Target target = producing;
                    pending.add(pool.submit(() -> {
                        block.input = compressor.inputBuffer();
                        block.input.limit(block.dictionaryLength + block.dataLength);
                        target.input.read(block.offset - block.dictionaryLength, block.input);
                        if (serial) {
                            compressor.compressInStream(block, target.stream);
                        } else {
                            compressor.compress(block);
                        }
                        return block;
                    }));
                    if (block.last) {
                        producing = null;
                    }
                }
                if (pending.isEmpty()) {
                    return results;
                }
                if (threads == 1 && !pending.peek().isDone()) {
                    // Wake up once for several blocks rather than once per block: wait for a later one while the
                    // blocks queued behind it keep the thread busy (blocks finish in order on one thread).
                    Workers.awaitQuietly(nth(pending, (window - 1) / 2));
                }
                Block block = Workers.await(pending.poll());
                Target target = (Target) block.owner;
                target.write(block);
                compressor.recycle(block);
                bytesRead += block.dataLength;
                if (block.last) {
                    target.finish();
                    results.add(target.result());
                    open.remove(target);
                }
                bytesWritten += target.unreported();
                if (progress != null) {
                    progress.progress(bytesRead, bytesWritten);
                }
            }
        } catch (IOException | RuntimeException | Error failure) {
            Workers.stop(pool);
            for (Target target : open) {
                try {
                    target.close();
                } catch (IOException | RuntimeException cleanup) {
                    failure.addSuppressed(cleanup);
                }
            }
            throw failure;
        } finally {
            Workers.stop(pool);
            compressor.close();
        }
    }

    /** The element at {@code index} of {@code queue} (0 is the head), or the last one if there are fewer. */
    private static <T> T nth(ArrayDeque<T> queue, int index) {
        T element = null;
        int position = 0;
        for (T next : queue) {
            element = next;
            if (position++ == index) {
                break;
            }
        }
        return element;
    }

    private Target open(Path inputPath, Path outputPath) throws IOException {
        MappedInput input = MappedInput.open(inputPath);
        try {
            if (input.isSameFile(outputPath)) {
                throw new IllegalArgumentException("output=" + outputPath + ": is the input file");
            }
            return new Target(input, outputPath);
        } catch (IOException | RuntimeException | Error failure) {
            input.close();
            throw failure;
        }
    }

    /** One file being compressed. */
    private final class Target implements AutoCloseable {
        final MappedInput input;
        final AtomicOutput output;
        final IndexWriter index;
        /** The deflate stream of the whole file in {@link #serial} mode, else null. */
        final Deflater stream;
        final long blocks;
        final long started = System.nanoTime();
        long produced;
        long uncompressed;
        int crc;
        long dataMembers;
        long reported;

        Target(MappedInput input, Path outputPath) throws IOException {
            this.input = input;
            this.blocks = Math.max(1, (input.size() + blockSize - 1) / blockSize);
            this.output = AtomicOutput.create(outputPath);
            IndexWriter indexWriter = null;
            try {
                if (format != GzipFormat.BGZF) {
                    boolean keep = options.keepsNameAndTime();
                    String name = keep ? input.file().getFileName().toString() : null;
                    long mtime = keep ? GzipHeader.mtimeField(input.attributes().lastModifiedTime().toInstant()) : 0;
                    output.write(ByteBuffer.wrap(GzipHeader.encode(name, mtime, options.level())));
                } else if (options.writesIndex()) {
                    indexWriter = new IndexWriter(AtomicOutput.create(IndexWriter.indexPath(outputPath)));
                }
            } catch (IOException | RuntimeException | Error failure) {
                output.close();
                throw failure;
            }
            this.index = indexWriter;
            this.stream = serial ? new Deflater(options.level(), true) : null;
        }

        Block nextBlock() {
            long offset = produced * blockSize;
            int length = (int) Math.min(blockSize, input.size() - offset);
            int dictionary = format == GzipFormat.SINGLE_MEMBER && !serial
                    ? (int) Math.min(BlockCompressor.DICTIONARY, offset) : 0;
            produced++;
            return new Block(this, offset, dictionary, length, produced == blocks);
        }

        /** Writes a compressed block. */
        void write(Block block) throws IOException {
            if (format == GzipFormat.BGZF) {
                long compressedAt = output.written();
                long uncompressedAt = uncompressed;
                for (int memberLength : block.memberLengths) {
                    if (index != null && dataMembers > 0) {
                        index.add(compressedAt, uncompressedAt);
                    }
                    dataMembers++;
                    compressedAt += memberLength;
                    uncompressedAt += Bgzf.MAX_INPUT;
                }
            }
            output.write(block.output);
            crc = Crc32Combine.combine(crc, block.crc, block.dataLength);
            uncompressed += block.dataLength;
        }

        /** Bytes written (header included) since the last call. */
        long unreported() {
            long unreported = output.written() - reported;
            reported = output.written();
            return unreported;
        }

        /** Writes the trailer (BGZF: the end-of-file block), commits the output and the index. */
        void finish() throws IOException {
            if (format == GzipFormat.BGZF) {
                output.write(ByteBuffer.wrap(Bgzf.EOF_BLOCK));
            } else {
                output.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(crc)
                        .putInt((int) uncompressed).flip());
            }
            FileTime modified = input.attributes().lastModifiedTime();
            output.commit(modified, permissions(input.file()));
            if (index != null) {
                index.commit(dataMembers - 1);
            }
            input.close();
            if (stream != null) {
                stream.end();
            }
        }

        GzipResult result() {
            long members = format == GzipFormat.BGZF ? dataMembers + 1 : 1;
            return new GzipResult(input.file(), output.target(), uncompressed, output.written(), crc, members, 0,
                    false, Duration.ofNanos(System.nanoTime() - started));
        }

        /** Abandons the output (and index): nothing of them is left. */
        @Override
        public void close() throws IOException {
            try {
                if (stream != null) {
                    stream.end();
                }
                input.close();
                output.close();
            } finally {
                if (index != null) {
                    index.close();
                }
            }
        }
    }

    /** The output's permissions for an input's: the same, as {@code gzip} does; null where there are none. */
    static Set<PosixFilePermission> permissions(Path input) {
        try {
            return Files.getPosixFilePermissions(input);
        } catch (UnsupportedOperationException | IOException noPermissions) {
            return null;
        }
    }
}
