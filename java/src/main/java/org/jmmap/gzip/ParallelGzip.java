package org.jmmap.gzip;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Parallel gzip over memory-mapped files: compression as {@code pigz} does it (in any of the {@link GzipFormat}s),
 * decompression in parallel across the members of BGZF and other multi-member files and pipelined for single
 * members, listing and testing. Every file written is standard gzip that {@code gzip}, {@code pigz},
 * {@code bgzip} and Python's {@code gzip} read.
 *
 * <pre>{@code
 * GzipResult r = ParallelGzip.compress(Path.of("data.csv"), Path.of("data.csv.gz"), GzipOptions.defaults());
 * ParallelGzip.decompress(Path.of("data.csv.gz"), Path.of("copy.csv"), GzipOptions.defaults().withThreads(2));
 * }</pre>
 *
 * <h2>Outputs</h2>
 * Outputs are written under a temporary name in their directory ({@code .NAME.PID-RANDOM.tmp}) and renamed over the
 * target (replacing a file there) only once complete: an exception, or an interrupt of the calling thread, leaves
 * no output and no temporary file. An output gets the input's permissions and modification time, as {@code gzip}
 * gives them. The input is mapped read-only and read through jmmap's SIGBUS-guarded copy, so an input truncated by
 * another process meanwhile fails with an {@link org.jmmap.ErrnoException} ({@code EFAULT}) instead of ending the
 * JVM.
 *
 * <h2>Threads and memory</h2>
 * An operation uses {@link GzipOptions#threads()} worker threads, created for it and stopped before it returns, and
 * the calling thread, which writes the output. Memory stays at about two blocks per thread, whatever the file size.
 */
public final class ParallelGzip {

    private ParallelGzip() {
    }

    /**
     * Compresses {@code in} to {@code out} in the options' format, level and block size, on the options' threads.
     * With {@link GzipOptions#writesIndex()} (BGZF only) the {@code .gzi} index goes to {@code out + ".gzi"}.
     *
     * @return the sizes, CRC-32 and members of what was written
     * @throws java.nio.file.NoSuchFileException if {@code in} or the directory of {@code out} does not exist
     * @throws IllegalArgumentException          if {@code out} is {@code in}, or an index is asked for a format
     *                                           other than BGZF
     * @throws org.jmmap.ErrnoException          {@code EFAULT} if {@code in} is truncated while it is read
     * @throws java.io.InterruptedIOException    if the calling thread is interrupted (no output is left)
     * @throws IOException                       if reading or writing fails
     */
    public static GzipResult compress(Path in, Path out, GzipOptions options) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(options, "options");
        return FileCompressor.compress(List.of(in), List.of(out), options).get(0);
    }

    /**
     * Compresses every file of {@code inputs} to the same name with {@code .gz} appended, in parallel across files
     * and within each: the blocks of all the files form one stream over the options' threads, so that a thousand
     * small files keep the threads as busy as one large file does. The results come in the order of
     * {@code inputs}. If one file fails, the outputs already complete stay, the others are not created, and the
     * exception is thrown.
     *
     * @throws java.nio.file.NoSuchFileException if an input does not exist
     * @throws IOException                       as {@link #compress}
     */
    public static List<GzipResult> compressAll(List<Path> inputs, GzipOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        List<Path> outputs = new ArrayList<>(inputs.size());
        for (Path input : inputs) {
            Objects.requireNonNull(input, "inputs contains null");
            outputs.add(input.resolveSibling(input.getFileName() + ".gz"));
        }
        return FileCompressor.compress(List.copyOf(inputs), outputs, options);
    }

    /**
     * Decompresses {@code in} to {@code out}: every member of it, each checked (CRC-32 and length); BGZF blocks in
     * parallel on the options' threads, other members pipelined (inflating on the calling thread; reading,
     * checking and writing each on a thread of its own when {@code threads > 1}). Bytes after the last member are
     * ignored if they are zeros, and counted in {@link GzipResult#trailingBytes()} otherwise, or rejected with
     * {@link GzipOptions#isStrict() strict} options. The output gets the header's modification time
     * ({@link GzipOptions#keepsNameAndTime()}, when the header has one) or else the input's, and the input's
     * permissions.
     *
     * @throws GzipException                     if {@code in} is not valid gzip; its {@link GzipException#reason()}
     *                                           says why and {@link GzipException#offset()} where. No output is left.
     * @throws java.nio.file.NoSuchFileException if {@code in} or the directory of {@code out} does not exist
     * @throws IllegalArgumentException          if {@code out} is {@code in}
     * @throws org.jmmap.ErrnoException          {@code EFAULT} if {@code in} is truncated while it is read
     * @throws java.io.InterruptedIOException    if the calling thread is interrupted (no output is left)
     */
    public static GzipResult decompress(Path in, Path out, GzipOptions options) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(options, "options");
        return FileDecompressor.decompress(in, out, options);
    }

    /**
     * Checks {@code gz} as {@code gzip -t} does: decompresses every member, checks every CRC-32 and length, and
     * writes nothing. Trailing garbage is accepted (as {@code gzip -t} accepts it, with a warning).
     *
     * @throws GzipException if it is not valid gzip (the reason and offset say what and where)
     * @throws IOException   if it cannot be read
     */
    public static void test(Path gz) throws IOException {
        test(gz, GzipOptions.defaults());
    }

    /**
     * {@link #test(Path)} with the options' threads, and trailing garbage rejected if they are
     * {@link GzipOptions#isStrict() strict}.
     */
    public static GzipResult test(Path gz, GzipOptions options) throws IOException {
        Objects.requireNonNull(gz, "gz");
        Objects.requireNonNull(options, "options");
        return FileDecompressor.decompress(gz, null, options);
    }

    /**
     * Describes {@code gz} as {@code gzip -l} does, with its layout and member count. A file of BGZF blocks is
     * listed from its block headers and trailers alone; any other file is decompressed (without output) to find
     * its members and their exact sizes, as fast as {@link #test}.
     *
     * @throws GzipException if it is not valid gzip
     * @throws IOException   if it cannot be read
     */
    public static GzipInfo list(Path gz) throws IOException {
        Objects.requireNonNull(gz, "gz");
        return FileDecompressor.list(gz, GzipOptions.defaults());
    }
}
