package org.jmmap.gzip;

/**
 * The layout of the gzip files {@link ParallelGzip} and {@link ParallelGzipOutputStream} write. All three are
 * standard gzip (RFC 1952) that every gzip reader decompresses; they differ in what a reader can do in parallel and
 * at random.
 */
public enum GzipFormat {

    /**
     * One gzip member, as {@code pigz} writes by default: the input is cut into blocks that are compressed in
     * parallel, each with the previous 32 KiB of input as its dictionary and ended with a sync flush (an empty
     * stored block), so the output is as small as a single-threaded compressor's (within a few bytes a block).
     * Decompression of such a file is sequential.
     */
    SINGLE_MEMBER,

    /**
     * One gzip member of blocks compressed without a dictionary and ended with two flush markers, as
     * {@code pigz -i} writes: a little larger than {@link #SINGLE_MEMBER}, but every block can be decompressed on
     * its own, which helps recovering a damaged file.
     */
    INDEPENDENT,

    /**
     * BGZF, the blocked gzip of htslib ({@code bgzip}, SAM/BAM, VCF, tabix): a series of gzip members of at most
     * 65280 ({@code 0xff00}) input bytes each, every one with a {@code BC} extra field holding its compressed size,
     * ended by the 28-byte empty member htslib uses as an end-of-file marker. Decompression runs in parallel across
     * members, and a {@code .gzi} index gives random access by uncompressed offset ({@link GzipIndex}).
     */
    BGZF
}
