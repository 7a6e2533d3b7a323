package org.jmmap.gzip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Writes a {@code .gzi} index as htslib's {@code bgzf_index_dump} does: a little-endian 64-bit count, then for
 * every BGZF block but the first (whose offsets are 0 and 0) its compressed offset and its uncompressed offset,
 * 64-bit little-endian each. The count is the number of data blocks minus one, so an empty file gets
 * {@code 0xffffffffffffffff} and no entry, as {@code bgzip -i} writes; the end-of-file block is not listed. The
 * entries stream to the file as they come; the count is written last, over a placeholder.
 */
final class IndexWriter implements AutoCloseable {

    /** Bytes of one entry: two 64-bit offsets. */
    static final int ENTRY_LENGTH = 16;

    private final AtomicOutput output;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);

    IndexWriter(AtomicOutput output) throws IOException {
        this.output = output;
        buffer.putLong(0); // the count, written at the end
    }

    /** The index file of a BGZF file: its name with {@code .gzi} appended, as htslib names it. */
    static Path indexPath(Path bgzf) {
        return bgzf.resolveSibling(bgzf.getFileName() + ".gzi");
    }

    /** Adds the entry of a block that starts at {@code compressedOffset} and holds {@code uncompressedOffset}. */
    void add(long compressedOffset, long uncompressedOffset) throws IOException {
        if (buffer.remaining() < ENTRY_LENGTH) {
            output.write(buffer.flip());
            buffer.clear();
        }
        buffer.putLong(compressedOffset).putLong(uncompressedOffset);
    }

    /** Writes the count, {@code entries}, and renames the index into place. */
    void commit(long entries) throws IOException {
        output.write(buffer.flip());
        output.writeAt(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(entries).flip(), 0);
        output.commit(null, null);
    }

    /** Without a commit: nothing of the index is left. */
    @Override
    public void close() throws IOException {
        output.close();
    }
}
