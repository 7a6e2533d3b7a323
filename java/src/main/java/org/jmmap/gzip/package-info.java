/**
 * Parallel gzip over memory-mapped files: {@link org.jmmap.gzip.ParallelGzip} compresses as {@code pigz} does
 * (one member of blocks compressed in parallel with the previous 32 KiB as dictionary, or {@code pigz -i}'s
 * independent blocks, or BGZF with its {@code .gzi} index) and decompresses BGZF in parallel across blocks and other
 * files pipelined; {@link org.jmmap.gzip.ParallelGzipOutputStream} compresses into any stream;
 * {@link org.jmmap.gzip.GzipInputStream} reads any gzip stream, every member and header field, checked;
 * {@link org.jmmap.gzip.GzipIndex} reads BGZF at any uncompressed offset.
 *
 * <h2>Formats</h2>
 * Everything written is RFC 1952 gzip that {@code gzip}, {@code pigz}, {@code bgzip}, zlib and Python read:
 * <ul>
 *   <li>{@link org.jmmap.gzip.GzipFormat#SINGLE_MEMBER}: within a few bytes per 128 KiB block of {@code pigz}'s
 *       output at the same level (pigz avoids some sync markers with zlib calls the JDK lacks);</li>
 *   <li>{@link org.jmmap.gzip.GzipFormat#INDEPENDENT}: byte for byte what {@code pigz -i} writes for the same input,
 *       level and block size;</li>
 *   <li>{@link org.jmmap.gzip.GzipFormat#BGZF}: htslib's blocked gzip; at level 0, byte for byte what
 *       {@code bgzip -l 0} writes, and its {@code .gzi} index byte for byte what {@code bgzip -i} writes (htslib
 *       uses libdeflate at the other levels, so the compressed bytes differ, not the layout).</li>
 * </ul>
 *
 * <h2>Mapped input, and why zlib never sees the mapping</h2>
 * Inputs are mapped ({@link org.jmmap.Mapping}) and each thread copies the block it works on out of the mapping
 * through {@link org.jmmap.Mapping#getBytes(long, java.nio.ByteBuffer)}, a {@code memcpy} in C under jmmap's SIGBUS
 * guard, into a direct buffer that {@link java.util.zip.Deflater}, {@link java.util.zip.Inflater} and
 * {@link java.util.zip.CRC32} then read. Handing them views of the mapping instead would save that copy (it runs
 * at memory speed, one to two orders of magnitude faster than deflate or inflate) but a file truncated by another
 * process meanwhile would then end the JVM with SIGBUS inside zlib or the CRC32 intrinsic, which no Java code can
 * catch; with the copy, the operation fails with an {@link org.jmmap.ErrnoException} ({@code EFAULT}). No heap copy
 * is made of the data.
 *
 * <h2>Errors</h2>
 * Input that is not valid gzip throws {@link org.jmmap.gzip.GzipException}, whose
 * {@link org.jmmap.gzip.GzipException#reason() reason} says what is wrong (not gzip, truncated, bad CRC, bad length,
 * corrupt deflate data, ...) and whose {@link org.jmmap.gzip.GzipException#offset() offset} says where. Outputs are
 * written under temporary names and renamed only when complete: nothing half-written is ever left.
 */
package org.jmmap.gzip;
