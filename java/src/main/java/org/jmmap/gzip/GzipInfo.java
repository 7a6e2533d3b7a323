package org.jmmap.gzip;

import java.nio.file.Path;

/**
 * What {@link ParallelGzip#list} found in a gzip file, as {@code gzip -l} and {@code pigz -l} show it (sizes, ratio,
 * CRC, the name and time of the header), plus its layout and number of members.
 *
 * <p>Unlike {@code gzip -l}, which reads only the last trailer and so gives the size modulo 4 GiB and only the last
 * member's CRC, every figure here is of the whole file: exact sizes, the CRC-32 of all the data, all members.
 */
public final class GzipInfo {

    /** How the file is made. */
    public enum Layout {
        /** One gzip member (what {@code gzip}, {@code pigz} and {@code pigz -i} write). */
        SINGLE_MEMBER,
        /** Several members, not all BGZF blocks (concatenated gzip files, for example). */
        MULTI_MEMBER,
        /** BGZF blocks only (what {@code bgzip} writes). */
        BGZF
    }

    private final Path file;
    private final Layout layout;
    private final GzipHeader header;
    private final long members;
    private final long compressedSize;
    private final long uncompressedSize;
    private final int crc32;
    private final long trailingBytes;
    private final boolean trailingGarbage;

    GzipInfo(Path file, Layout layout, GzipHeader header, long members, long compressedSize, long uncompressedSize,
             int crc32, long trailingBytes, boolean trailingGarbage) {
        this.file = file;
        this.layout = layout;
        this.header = header;
        this.members = members;
        this.compressedSize = compressedSize;
        this.uncompressedSize = uncompressedSize;
        this.crc32 = crc32;
        this.trailingBytes = trailingBytes;
        this.trailingGarbage = trailingGarbage;
    }

    /** The file listed. */
    public Path file() {
        return file;
    }

    /** Whether it is one member, several, or BGZF. */
    public Layout layout() {
        return layout;
    }

    /** The header of the first member: the original name, modification time, OS, comment, extra field. */
    public GzipHeader header() {
        return header;
    }

    /** The number of gzip members (for BGZF, the blocks including the end-of-file block). */
    public long members() {
        return members;
    }

    /** Bytes of the file. */
    public long compressedSize() {
        return compressedSize;
    }

    /** Bytes of uncompressed data, exact. */
    public long uncompressedSize() {
        return uncompressedSize;
    }

    /** The CRC-32 of all the uncompressed data. */
    public int crc32() {
        return crc32;
    }

    /** Bytes after the last member (zero padding, or garbage if {@link #trailingGarbage()}). */
    public long trailingBytes() {
        return trailingBytes;
    }

    /** Whether the trailing bytes are not all zeros. */
    public boolean trailingGarbage() {
        return trailingGarbage;
    }

    /** The space saved, as {@code gzip -l} prints it: {@code 1 - compressed / uncompressed} (0 when empty). */
    public double savings() {
        return uncompressedSize == 0 ? 0 : 1 - (double) compressedSize / uncompressedSize;
    }

    @Override
    public String toString() {
        return "GzipInfo[file=" + file + ", layout=" + layout + ", members=" + members + ", compressed="
                + compressedSize + ", uncompressed=" + uncompressedSize + String.format(", crc32=%08x", crc32)
                + ", header=" + header + (trailingBytes > 0 ? ", trailingBytes=" + trailingBytes : "") + "]";
    }
}
