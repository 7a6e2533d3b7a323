package org.jmmap.gzip;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What one compression or decompression did: the files, the sizes on both sides, the CRC-32 of the uncompressed
 * data, the number of gzip members, the bytes ignored after the last member, and the time it took.
 */
public final class GzipResult {

    private final Path input;
    private final Path output;
    private final long uncompressedSize;
    private final long compressedSize;
    private final int crc32;
    private final long members;
    private final long trailingBytes;
    private final boolean trailingGarbage;
    private final Duration elapsed;

    GzipResult(Path input, Path output, long uncompressedSize, long compressedSize, int crc32, long members,
               long trailingBytes, boolean trailingGarbage, Duration elapsed) {
        this.input = input;
        this.output = output;
        this.uncompressedSize = uncompressedSize;
        this.compressedSize = compressedSize;
        this.crc32 = crc32;
        this.members = members;
        this.trailingBytes = trailingBytes;
        this.trailingGarbage = trailingGarbage;
        this.elapsed = elapsed;
    }

    /** The file read. */
    public Path input() {
        return input;
    }

    /** The file written; null for {@link ParallelGzip#test(Path, GzipOptions)}. */
    public Path output() {
        return output;
    }

    /** Bytes of uncompressed data (exact, also beyond 4 GiB where the gzip trailer only holds it modulo 2^32). */
    public long uncompressedSize() {
        return uncompressedSize;
    }

    /** Bytes of the gzip file, including any trailing bytes that were ignored. */
    public long compressedSize() {
        return compressedSize;
    }

    /** The CRC-32 of all the uncompressed data, as {@link java.util.zip.CRC32} computes it (as an int). */
    public int crc32() {
        return crc32;
    }

    /** The number of gzip members (for BGZF, the blocks including the end-of-file block). */
    public long members() {
        return members;
    }

    /** Bytes after the last gzip member that were ignored: zero padding, or garbage if {@link #trailingGarbage()}. */
    public long trailingBytes() {
        return trailingBytes;
    }

    /**
     * Whether the {@link #trailingBytes()} are not all zeros: {@code gzip} warns "decompression OK, trailing garbage
     * ignored" for these; with {@link GzipOptions#withStrict strict} options they are an error instead.
     */
    public boolean trailingGarbage() {
        return trailingGarbage;
    }

    /** The wall-clock time the operation took. */
    public Duration elapsed() {
        return elapsed;
    }

    /** {@code compressedSize / uncompressedSize}, as {@code gzip -l} shows (1.0 for empty input). */
    public double ratio() {
        return uncompressedSize == 0 ? 1.0 : (double) compressedSize / uncompressedSize;
    }

    @Override
    public String toString() {
        return "GzipResult[input=" + input + ", output=" + output + ", uncompressed=" + uncompressedSize
                + ", compressed=" + compressedSize + String.format(", crc32=%08x", crc32) + ", members=" + members
                + (trailingBytes > 0 ? ", trailingBytes=" + trailingBytes + (trailingGarbage ? " (garbage)" : "")
                : "") + ", elapsed=" + elapsed + "]";
    }
}
