package org.jmmap.gzip;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The state of one decompression (or test, or listing) of a mapped gzip file, shared by the decoders that take
 * turns on it: the input, where the output goes (nowhere when testing), and what has been decoded so far.
 */
final class Decoding {

    final MappedInput input;
    final GzipOptions options;
    /** The output, or null when only testing. */
    final AtomicOutput output;
    private final GzipProgressListener progress;

    /** The header of the first member. */
    GzipHeader firstHeader;
    long members;
    long uncompressed;
    /** CRC-32 of all the uncompressed data so far. */
    int crc;
    /** Whether every member so far had a BGZF header. */
    boolean allBgzf = true;
    long trailingBytes;
    boolean trailingGarbage;
    private long written;

    Decoding(MappedInput input, GzipOptions options, AtomicOutput output) {
        this.input = input;
        this.options = options;
        this.output = output;
        this.progress = options.progress();
    }

    /** Writes {@code data} to the output (only counts it when testing), then reports progress. */
    void write(ByteBuffer data, long compressedPosition) throws IOException {
        int length = data.remaining();
        if (output != null) {
            output.write(data);
        }
        advance(length, compressedPosition);
    }

    /**
     * Writes {@code data} at {@code offset} of the output (nothing when testing), from any thread; the bytes are
     * counted later, by {@link #advance}, once they are known to be right.
     */
    void writeAt(ByteBuffer data, long offset) throws IOException {
        if (output != null) {
            output.writeAt(data, offset);
        }
    }

    /** Counts {@code length} more bytes of output, then reports progress. */
    void advance(long length, long compressedPosition) {
        written += length;
        if (progress != null) {
            progress.progress(compressedPosition, written);
        }
    }
}
