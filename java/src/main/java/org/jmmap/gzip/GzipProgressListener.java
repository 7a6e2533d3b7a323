package org.jmmap.gzip;

/**
 * Receives the progress of a compression or decompression, after each block or batch of members is written.
 * Called from the thread that writes the output, never concurrently for one operation; keep it short, as the
 * writing waits for it.
 */
@FunctionalInterface
public interface GzipProgressListener {

    /**
     * The totals so far of the whole operation (all files of {@link ParallelGzip#compressAll}).
     *
     * @param bytesRead    bytes of input consumed: uncompressed bytes when compressing, compressed bytes when
     *                     decompressing or testing
     * @param bytesWritten bytes of output written: compressed when compressing, uncompressed when decompressing
     *                     (when testing, the bytes that decompressing would write)
     */
    void progress(long bytesRead, long bytesWritten);
}
