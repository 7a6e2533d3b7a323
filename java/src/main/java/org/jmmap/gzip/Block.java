package org.jmmap.gzip;

import java.nio.ByteBuffer;

/**
 * One unit of compression work: up to a block size of input, preceded in the same buffer by the dictionary it is
 * compressed with, and, once a worker has compressed it, its output and the CRC-32 of its data.
 */
final class Block {

    /** The file or stream the block belongs to. */
    final Object owner;
    /** Where the block's data starts in its input. */
    final long offset;
    /** Bytes of dictionary before the data in {@link #input}: the input's last 32 KiB before the block, or 0. */
    final int dictionaryLength;
    /** Bytes of data. */
    final int dataLength;
    /** Whether this is the input's last block, which ends the deflate stream. */
    final boolean last;

    /** The dictionary followed by the data, from position 0 to the limit; returned to its pool once compressed. */
    ByteBuffer input;
    /** The compressed bytes, from position 0 to the limit, once compressed. */
    ByteBuffer output;
    /** CRC-32 of the data. */
    int crc;
    /** BGZF: the size of each member in {@link #output}. */
    int[] memberLengths;

    Block(Object owner, long offset, int dictionaryLength, int dataLength, boolean last) {
        this.owner = owner;
        this.offset = offset;
        this.dictionaryLength = dictionaryLength;
        this.dataLength = dataLength;
        this.last = last;
    }
}
