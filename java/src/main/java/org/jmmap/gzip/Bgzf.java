package org.jmmap.gzip;

import java.util.Arrays;

/**
 * The BGZF layout (htslib's {@code bgzf.c}, SAM specification section 4.1): every block is a gzip member whose
 * header is the fixed 18 bytes below, with a {@code BC} extra subfield holding the member's total size minus one
 * (BSIZE), at most 65280 ({@code 0xff00}) bytes of input, and at most 65536 bytes in all. The file ends with
 * {@link #EOF_BLOCK}, an empty member.
 */
final class Bgzf {

    /** Most input bytes in one block ({@code BGZF_BLOCK_SIZE}). */
    static final int MAX_INPUT = 0xff00;
    /** Most bytes of one block, header and trailer included ({@code BGZF_MAX_BLOCK_SIZE}). */
    static final int MAX_BLOCK = 0x10000;
    /** Bytes of the header as BGZF writers write it. */
    static final int HEADER_LENGTH = 18;
    /** Offset of BSIZE (little-endian, total block size minus one) in that header. */
    static final int BSIZE_OFFSET = 16;
    /** CRC-32 and ISIZE. */
    static final int TRAILER_LENGTH = 8;

    /**
     * ID1 ID2 CM=deflate FLG=FEXTRA, MTIME=0, XFL=0, OS=unknown, XLEN=6, subfield 'B' 'C' of length 2, BSIZE
     * (left 0 here).
     */
    private static final byte[] HEADER = {
        0x1f, (byte) 0x8b, 8, 4, 0, 0, 0, 0, 0, (byte) 0xff, 6, 0, 'B', 'C', 2, 0, 0, 0,
    };

    /** The end-of-file marker block: an empty member, 28 bytes. */
    static final byte[] EOF_BLOCK = {
        0x1f, (byte) 0x8b, 8, 4, 0, 0, 0, 0, 0, (byte) 0xff, 6, 0, 'B', 'C', 2, 0, 0x1b, 0, 3, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    };

    private Bgzf() {
    }

    /** The 18 header bytes for a block of {@code blockLength} bytes in all. */
    static byte[] header(int blockLength) {
        byte[] header = HEADER.clone();
        header[BSIZE_OFFSET] = (byte) (blockLength - 1);
        header[BSIZE_OFFSET + 1] = (byte) ((blockLength - 1) >>> 8);
        return header;
    }

    /**
     * Whether the first 16 of {@code header}'s bytes are those of a block in the layout above (BSIZE aside). Other
     * BGZF headers (other subfields besides {@code BC}, a name) are valid but rare; callers parse those in full.
     */
    static boolean isPlainHeader(byte[] header) {
        // ID1 ID2 CM FLG must match; MTIME, XFL and OS (bytes 4 to 9) may be anything; then XLEN and the subfield.
        return Arrays.equals(header, 0, 4, HEADER, 0, 4)
                && Arrays.equals(header, 10, BSIZE_OFFSET, HEADER, 10, BSIZE_OFFSET);
    }
}
