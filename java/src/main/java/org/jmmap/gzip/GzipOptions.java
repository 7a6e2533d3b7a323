package org.jmmap.gzip;

import java.util.Objects;

/**
 * How {@link ParallelGzip}, {@link ParallelGzipOutputStream} and {@link GzipInputStream} work: compression level,
 * threads, block size, output format, whether to write a {@code .gzi} index, whether to keep the file name and
 * modification time, a progress listener, and how strictly to treat bytes after the last gzip member.
 *
 * <p>Immutable: every {@code with...} method returns a new instance. Start from {@link #defaults()}:
 * <pre>{@code
 * GzipOptions options = GzipOptions.defaults().withLevel(9).withThreads(4).withFormat(GzipFormat.BGZF);
 * }</pre>
 */
public final class GzipOptions {

    /** Default input block size: 128 KiB, as {@code pigz}. */
    public static final int DEFAULT_BLOCK_SIZE = 128 * 1024;
    /** Smallest block size: 32 KiB, the deflate window (each block's dictionary is the 32 KiB before it). */
    public static final int MIN_BLOCK_SIZE = 32 * 1024;
    /** Largest block size: 512 MiB, as {@code pigz}. */
    public static final int MAX_BLOCK_SIZE = 512 * 1024 * 1024;
    /** Default compression level: 6, as {@code gzip} and {@code pigz}. */
    public static final int DEFAULT_LEVEL = 6;
    /** Most threads one operation may use. */
    public static final int MAX_THREADS = 1024;

    private final int level;
    private final int threads;
    private final int blockSize;
    private final GzipFormat format;
    private final boolean writeIndex;
    private final boolean keepNameAndTime;
    private final boolean strict;
    private final GzipProgressListener progress;

    private GzipOptions(int level, int threads, int blockSize, GzipFormat format, boolean writeIndex,
                        boolean keepNameAndTime, boolean strict, GzipProgressListener progress) {
        this.level = level;
        this.threads = threads;
        this.blockSize = blockSize;
        this.format = format;
        this.writeIndex = writeIndex;
        this.keepNameAndTime = keepNameAndTime;
        this.strict = strict;
        this.progress = progress;
    }

    /**
     * Level 6, one thread per available processor, 128 KiB blocks, {@link GzipFormat#SINGLE_MEMBER}, no index, file
     * name and modification time kept, trailing garbage reported rather than an error, no progress listener.
     */
    public static GzipOptions defaults() {
        return new GzipOptions(DEFAULT_LEVEL, Runtime.getRuntime().availableProcessors(), DEFAULT_BLOCK_SIZE,
                GzipFormat.SINGLE_MEMBER, false, true, false, null);
    }

    /**
     * Compression level, 0 (stored, no compression) to 9 (smallest, slowest), as {@code gzip -0} to {@code -9}.
     *
     * @throws IllegalArgumentException if {@code level} is not within 0 to 9
     */
    public GzipOptions withLevel(int level) {
        if (level < 0 || level > 9) {
            throw new IllegalArgumentException("level=" + level + ": must be 0 to 9");
        }
        return new GzipOptions(level, threads, blockSize, format, writeIndex, keepNameAndTime, strict, progress);
    }

    /**
     * Threads that compress or decompress in parallel (as {@code pigz -p}). Writing the output happens on the
     * calling thread besides; decompressing a file that is not BGZF uses one thread to inflate and, when
     * {@code threads > 1}, three helpers to read, check and write, as {@code pigz -d} does.
     *
     * @throws IllegalArgumentException if {@code threads} is not within 1 to {@link #MAX_THREADS}
     */
    public GzipOptions withThreads(int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads=" + threads + ": must be 1 to " + MAX_THREADS);
        }
        return new GzipOptions(level, threads, blockSize, format, writeIndex, keepNameAndTime, strict, progress);
    }

    /**
     * Bytes of input per block (as {@code pigz -b}, in bytes rather than KiB). For {@link GzipFormat#BGZF} each
     * gzip member still holds at most 65280 bytes; the block size is then the unit of work given to one thread,
     * rounded down to a whole number of members (at least one).
     *
     * @throws IllegalArgumentException if {@code bytes} is not within {@link #MIN_BLOCK_SIZE} and
     *                                  {@link #MAX_BLOCK_SIZE}
     */
    public GzipOptions withBlockSize(int bytes) {
        if (bytes < MIN_BLOCK_SIZE || bytes > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("blockSize=" + bytes + ": must be " + MIN_BLOCK_SIZE + " to "
                    + MAX_BLOCK_SIZE + " bytes");
        }
        return new GzipOptions(level, threads, bytes, format, writeIndex, keepNameAndTime, strict, progress);
    }

    /** The layout of the files written. */
    public GzipOptions withFormat(GzipFormat format) {
        Objects.requireNonNull(format, "format");
        return new GzipOptions(level, threads, blockSize, format, writeIndex, keepNameAndTime, strict, progress);
    }

    /**
     * Whether compressing to {@link GzipFormat#BGZF} also writes the {@code .gzi} index next to the output
     * ({@code out + ".gzi"}), byte for byte as {@code bgzip -i} does. Compressing with an index to another format
     * throws {@link IllegalArgumentException}.
     */
    public GzipOptions withIndex(boolean writeIndex) {
        return new GzipOptions(level, threads, blockSize, format, writeIndex, keepNameAndTime, strict, progress);
    }

    /**
     * Whether the input's file name and modification time go into the gzip header when compressing (the default,
     * as {@code gzip} without {@code -n}), and whether decompressing sets the output's modification time from the
     * header (as {@code gzip -N}); without it the output gets the input's modification time, as {@code gzip} does.
     * {@link GzipFormat#BGZF} never stores a name or time (its header is fixed).
     */
    public GzipOptions withNameAndTime(boolean keep) {
        return new GzipOptions(level, threads, blockSize, format, writeIndex, keep, strict, progress);
    }

    /**
     * Whether bytes after the last gzip member that are not all zeros make decompression fail
     * ({@link GzipException.Reason#TRAILING_GARBAGE}). By default they are ignored, as {@code gzip} does (with a
     * warning), and counted in {@link GzipResult#trailingBytes()}. Zero padding (as tape archives leave) is always
     * ignored.
     */
    public GzipOptions withStrict(boolean strict) {
        return new GzipOptions(level, threads, blockSize, format, writeIndex, keepNameAndTime, strict, progress);
    }

    /** A listener told of the bytes read and written after each block; {@code null} for none. */
    public GzipOptions withProgress(GzipProgressListener listener) {
        return new GzipOptions(level, threads, blockSize, format, writeIndex, keepNameAndTime, strict, listener);
    }

    /** The compression level, 0 to 9. */
    public int level() {
        return level;
    }

    /** The number of threads that compress or decompress. */
    public int threads() {
        return threads;
    }

    /** Bytes of input per block. */
    public int blockSize() {
        return blockSize;
    }

    /** The format written when compressing. */
    public GzipFormat format() {
        return format;
    }

    /** Whether a {@code .gzi} index is written next to a BGZF output. */
    public boolean writesIndex() {
        return writeIndex;
    }

    /** Whether the file name and modification time are kept (see {@link #withNameAndTime}). */
    public boolean keepsNameAndTime() {
        return keepNameAndTime;
    }

    /** Whether trailing garbage is an error. */
    public boolean isStrict() {
        return strict;
    }

    /** The progress listener, or {@code null}. */
    public GzipProgressListener progress() {
        return progress;
    }

    @Override
    public String toString() {
        return "GzipOptions[level=" + level + ", threads=" + threads + ", blockSize=" + blockSize + ", format="
                + format + ", writeIndex=" + writeIndex + ", keepNameAndTime=" + keepNameAndTime + ", strict="
                + strict + ", progress=" + (progress != null) + "]";
    }
}
