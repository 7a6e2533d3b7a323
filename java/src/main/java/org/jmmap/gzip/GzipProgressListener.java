package org.jmmap.gzip;

/**
 * Receives the progress of a compression or decompression, after each block, batch of blocks or member is written.
 * Called by the calling thread or by one of the operation's threads, but never by two at once for one operation;
 * keep it short, as the writing waits for it. It may throw an unchecked exception to abandon the operation (which
 * then leaves no output).
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
