package org.jmmap.gzip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Random access to a BGZF file by uncompressed offset, through its {@code .gzi} index as htslib reads and writes
 * it ({@code bgzip -i}, {@code bgzip -r}): the compressed and uncompressed offset of every block. Reading at an
 * offset inflates only the blocks that hold the bytes asked for (at most 64 KiB more than those), each checked
 * against its CRC-32 and length.
 *
 * <pre>{@code
 * try (GzipIndex index = GzipIndex.open(Path.of("reads.fastq.gz"))) {   // uses reads.fastq.gz.gzi if present
 *     byte[] record = new byte[300];
 *     int n = index.read(1_234_567_890L, record, 0, record.length);
 * }
 * }</pre>
 *
 * <p>The file is mapped and read through jmmap's SIGBUS-guarded copy (a file truncated meanwhile fails with
 * {@code EFAULT}). Thread-safe: any number of threads may read at once; each read uses an inflater of a pool, which
 * also keeps the last block it inflated for the next read nearby.
 */
public final class GzipIndex implements AutoCloseable {

    private final Path file;
    private final MappedInput input;
    /** Compressed offset of every data block (the empty ones, such as the end-of-file block, are not listed). */
    private final long[] compressed;
    /** Uncompressed offset of every data block. */
    private final long[] uncompressed;
    private final long uncompressedSize;
    private final ConcurrentLinkedQueue<Reader> readers = new ConcurrentLinkedQueue<>();
    private final Inflaters inflaters = new Inflaters();
    private volatile boolean closed;

    private GzipIndex(Path file, MappedInput input, long[] compressed, long[] uncompressed, long uncompressedSize) {
        this.file = file;
        this.input = input;
        this.compressed = compressed;
        this.uncompressed = uncompressed;
        this.uncompressedSize = uncompressedSize;
    }

    /**
     * Opens {@code bgzf} with its index {@code bgzf + ".gzi"} if that exists, else with an index built from the
     * file's block headers (a walk over the headers, nothing inflated).
     *
     * @throws GzipException                     {@code NOT_BGZF} if the file does not start with a BGZF block;
     *                                           {@code BAD_INDEX} if the {@code .gzi} does not fit the file
     * @throws java.nio.file.NoSuchFileException if {@code bgzf} does not exist
     */
    public static GzipIndex open(Path bgzf) throws IOException {
        Path gzi = IndexWriter.indexPath(bgzf);
        return Files.exists(gzi) ? open(bgzf, gzi) : build(bgzf);
    }

    /**
     * Opens {@code bgzf} with the index {@code gzi}.
     *
     * @throws GzipException {@code NOT_BGZF} or {@code BAD_INDEX}, as {@link #open(Path)}
     */
    public static GzipIndex open(Path bgzf, Path gzi) throws IOException {
        Objects.requireNonNull(bgzf, "bgzf");
        byte[] bytes = Files.readAllBytes(gzi);
        ByteBuffer index = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 8 || (bytes.length - 8) % IndexWriter.ENTRY_LENGTH != 0) {
            throw badIndex(gzi, 0, "length=" + bytes.length + ": not 8 + 16 * entries bytes");
        }
        long count = index.getLong();
        long entries = (bytes.length - 8) / IndexWriter.ENTRY_LENGTH;
        // The count is the number of data blocks minus one: -1 (all ones) for a file without data.
        if (count != entries && !(count == -1 && entries == 0)) {
            throw badIndex(gzi, 0, "count=" + count + " but " + entries + " entries follow");
        }
        MappedInput input = MappedInput.open(bgzf);
        try {
            checkBgzf(input);
            int blocks = count == -1 ? 0 : (int) Math.min(Integer.MAX_VALUE, count + 1);
            long[] compressed = new long[blocks];
            long[] uncompressed = new long[blocks];
            for (int i = 1; i < blocks; i++) {
                compressed[i] = index.getLong();
                uncompressed[i] = index.getLong();
                if (compressed[i] <= compressed[i - 1] || uncompressed[i] <= uncompressed[i - 1]
                        || compressed[i] >= input.size()) {
                    throw badIndex(gzi, 8 + (i - 1) * (long) IndexWriter.ENTRY_LENGTH, "entry " + i + " (compressed="
                            + compressed[i] + ", uncompressed=" + uncompressed[i] + ") does not follow entry "
                            + (i - 1) + " or lies past the end of " + bgzf + " (" + input.size() + " bytes)");
                }
            }
            long size = 0;
            if (blocks > 0) {
                BlockHeader last = BlockHeader.read(input, compressed[blocks - 1]);
                if (last == null) {
                    throw badIndex(gzi, 8 + (blocks - 2L) * IndexWriter.ENTRY_LENGTH, "the last entry, compressed="
                            + compressed[blocks - 1] + ", is not the start of a BGZF block of " + bgzf);
                }
                if (last.length > input.size() - compressed[blocks - 1]) {
                    throw new GzipException(GzipException.Reason.TRUNCATED, input.size(),
                            "unexpected end of input in a BGZF block of bsize=" + last.length + " in " + bgzf);
                }
                size = uncompressed[blocks - 1] + last.isize;
            }
            return new GzipIndex(bgzf, input, compressed, uncompressed, size);
        } catch (IOException | RuntimeException | Error failure) {
            input.close();
            throw failure;
        }
    }

    /**
     * Opens {@code bgzf} with an index built from its block headers, ignoring any {@code .gzi}: every block's
     * header and trailer is read, nothing is inflated.
     *
     * @throws GzipException {@code NOT_BGZF} if a member of the file is not a BGZF block; {@code TRUNCATED} if the
     *                       last block is cut short
     */
    public static GzipIndex build(Path bgzf) throws IOException {
        Objects.requireNonNull(bgzf, "bgzf");
        MappedInput input = MappedInput.open(bgzf);
        try {
            checkBgzf(input);
            long[] compressed = new long[1024];
            long[] uncompressed = new long[1024];
            int blocks = 0;
            long size = 0;
            long at = 0;
            while (at < input.size()) {
                BlockHeader block = BlockHeader.read(input, at);
                if (block == null) {
                    throw new GzipException(GzipException.Reason.NOT_BGZF, at, "not a BGZF block");
                }
                if (block.length > input.size() - at) {
                    throw new GzipException(GzipException.Reason.TRUNCATED, input.size(),
                            "unexpected end of input in a BGZF block of bsize=" + block.length);
                }
                if (block.isize > 0) {
                    if (blocks == compressed.length) {
                        compressed = Arrays.copyOf(compressed, blocks * 2);
                        uncompressed = Arrays.copyOf(uncompressed, blocks * 2);
                    }
                    compressed[blocks] = at;
                    uncompressed[blocks] = size;
                    blocks++;
                    size += block.isize;
                }
                at += block.length;
            }
            return new GzipIndex(bgzf, input, Arrays.copyOf(compressed, blocks), Arrays.copyOf(uncompressed, blocks),
                    size);
        } catch (GzipException e) {
            input.close();
            throw e.in(bgzf);
        } catch (IOException | RuntimeException | Error failure) {
            input.close();
            throw failure;
        }
    }

    private static void checkBgzf(MappedInput input) throws IOException {
        if (input.size() == 0 || BlockHeader.read(input, 0) == null) {
            throw new GzipException(GzipException.Reason.NOT_BGZF, 0,
                    "not BGZF: no BGZF block header at the start of " + input.file());
        }
    }

    private static GzipException badIndex(Path gzi, long offset, String detail) {
        return new GzipException(GzipException.Reason.BAD_INDEX, offset, detail + " in index " + gzi);
    }

    /**
     * Writes the index to {@code gzi} as htslib writes it (byte for byte what {@code bgzip -i} or {@code bgzip -r}
     * write for the same file), under a temporary name renamed into place.
     */
    public void write(Path gzi) throws IOException {
        try (IndexWriter writer = new IndexWriter(AtomicOutput.create(gzi))) {
            for (int i = 1; i < compressed.length; i++) {
                writer.add(compressed[i], uncompressed[i]);
            }
            writer.commit(compressed.length - 1L);
        }
    }

    /** The BGZF file. */
    public Path file() {
        return file;
    }

    /** Bytes of uncompressed data in the file. */
    public long uncompressedSize() {
        return uncompressedSize;
    }

    /** The number of BGZF blocks that hold data (the index's entries plus one; 0 for an empty file). */
    public int blocks() {
        return compressed.length;
    }

    /**
     * Reads up to {@code length} bytes of uncompressed data from {@code offset} into {@code destination}: as many
     * as there are before the end of the data.
     *
     * @return the number of bytes read, or -1 if {@code offset} is at or past the end of the data
     * @throws IllegalArgumentException  if {@code offset < 0}
     * @throws IndexOutOfBoundsException if the destination range is out of bounds
     * @throws IllegalStateException     if the index is closed
     * @throws GzipException             if a block is corrupt, or not where the index says
     */
    public int read(long offset, byte[] destination, int destinationOffset, int length) throws IOException {
        Objects.checkFromIndexSize(destinationOffset, length, destination.length);
        return read(offset, ByteBuffer.wrap(destination, destinationOffset, length));
    }

    /**
     * Reads uncompressed data from {@code offset} into {@code destination}'s remaining bytes (fewer at the end of
     * the data), advancing its position.
     *
     * @return the number of bytes read, or -1 if {@code offset} is at or past the end of the data
     * @throws IllegalArgumentException if {@code offset < 0}
     * @throws IllegalStateException    if the index is closed
     * @throws GzipException            if a block is corrupt, or not where the index says
     */
    public int read(long offset, ByteBuffer destination) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset=" + offset + ": must be >= 0");
        }
        checkOpen();
        if (offset >= uncompressedSize) {
            return -1;
        }
        Reader reader = readers.poll();
        if (reader == null) {
            reader = new Reader();
        }
        try {
            int total = 0;
            int block = blockOf(offset);
            while (destination.hasRemaining() && block < compressed.length) {
                ByteBuffer data = reader.block(block);
                int skip = (int) (offset - uncompressed[block]);
                int count = Math.min(destination.remaining(), data.limit() - skip);
                destination.put(data.duplicate().position(skip).limit(skip + count));
                total += count;
                offset += count;
                block++;
            }
            return total;
        } catch (GzipException e) {
            throw e.in(file);
        } finally {
            readers.add(reader);
        }
    }

    /** The data block that holds uncompressed {@code offset} (below the size). */
    private int blockOf(long offset) {
        int found = Arrays.binarySearch(uncompressed, offset);
        return found >= 0 ? found : -found - 2;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("GzipIndex of " + file + " is closed");
        }
    }

    /** Unmaps the file and frees the inflaters. Reads in progress on other threads must have returned. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            inflaters.close();
            input.close();
        }
    }

    /** An inflater, buffers, and the last block inflated, for one read at a time. */
    private final class Reader {
        private final ByteBuffer in = ByteBuffer.allocateDirect(Bgzf.MAX_BLOCK);
        private final ByteBuffer out = ByteBuffer.allocateDirect(Bgzf.MAX_BLOCK + 1);
        private final CRC32 crc = new CRC32();
        private int cached = -1;

        /** The uncompressed data of data block {@code index}, checked. */
        ByteBuffer block(int index) throws IOException {
            if (index == cached) {
                return out;
            }
            cached = -1;
            long at = compressed[index];
            BlockHeader header = BlockHeader.read(input, at);
            if (header == null || header.length > input.size() - at) {
                throw new GzipException(GzipException.Reason.BAD_INDEX, at, "no BGZF block at compressed offset="
                        + at + ", where the index puts block " + index);
            }
            in.clear().limit(header.length);
            input.read(at, in);
            in.position(header.headerLength).limit(header.length - Bgzf.TRAILER_LENGTH);
            out.clear().limit((int) Math.min(header.isize + 1, out.capacity()));
            Inflater inflater = inflaters.take();
            try {
                inflater.reset();
                inflater.setInput(in);
                while (!inflater.finished() && in.hasRemaining() && out.hasRemaining()) {
                    int consumed = in.position();
                    if (inflater.inflate(out) == 0 && in.position() == consumed) {
                        break;
                    }
                }
                if (!inflater.finished() || in.hasRemaining() || out.position() != header.isize) {
                    throw new GzipException(GzipException.Reason.CORRUPT_DATA, at, "BGZF block " + index
                            + " does not inflate to its isize=" + header.isize);
                }
            } catch (DataFormatException e) {
                GzipException corrupt = new GzipException(GzipException.Reason.CORRUPT_DATA, at + in.position(),
                        "invalid deflate data (" + e.getMessage() + ")");
                corrupt.initCause(e);
                throw corrupt;
            } finally {
                inflaters.give(inflater);
            }
            out.flip();
            crc.reset();
            crc.update(out.duplicate());
            int stored = in.limit(header.length).order(ByteOrder.LITTLE_ENDIAN)
                    .getInt(header.length - Bgzf.TRAILER_LENGTH);
            if ((int) crc.getValue() != stored) {
                throw new GzipException(GzipException.Reason.BAD_CRC, at + header.length - Bgzf.TRAILER_LENGTH,
                        String.format("crc32=%08x in the trailer, %08x computed", stored, (int) crc.getValue()));
            }
            cached = index;
            return out;
        }
    }

    /** What the header and trailer of a BGZF block say: its size, its header's size, its uncompressed size. */
    private static final class BlockHeader {
        final int length;
        final int headerLength;
        final long isize;

        private BlockHeader(int length, int headerLength, long isize) {
            this.length = length;
            this.headerLength = headerLength;
            this.isize = isize;
        }

        /**
         * The block at {@code at}, or null if there is none (not gzip, no {@code BC} subfield, a size out of
         * range). The block may run past the end of the file; the caller checks.
         */
        static BlockHeader read(MappedInput input, long at) throws IOException {
            GzipHeader header;
            try {
                header = GzipHeader.read(input.cursor(at), at);
            } catch (GzipException notAHeader) {
                return null;
            }
            byte[] bsize = header.extraSubfield('B', 'C').orElse(null);
            if (bsize == null || bsize.length != 2) {
                return null;
            }
            int length = ((bsize[0] & 0xff) | (bsize[1] & 0xff) << 8) + 1;
            if (length < header.length() + 2 + Bgzf.TRAILER_LENGTH) {
                return null;
            }
            long isize = length <= input.size() - at ? input.readUnsignedInt(at + length - 4) : 0;
            if (isize > Bgzf.MAX_BLOCK) {
                return null;
            }
            return new BlockHeader(length, header.length(), isize);
        }
    }

    @Override
    public String toString() {
        return "GzipIndex[file=" + file + ", blocks=" + compressed.length + ", uncompressedSize=" + uncompressedSize
                + "]";
    }
}
