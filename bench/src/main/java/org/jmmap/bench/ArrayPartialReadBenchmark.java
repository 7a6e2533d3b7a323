package org.jmmap.bench;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.jmmap.MapMode;
import org.jmmap.array.NpyFile;
import org.jmmap.array.NpyHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * "memmap vs loading": a query that needs 1% of a 2 GiB float64 {@code .npy} (the mean of 1% of its rows), from a
 * file in the page cache. Baseline: read the whole file into a {@code double[]} on the heap first, then compute.
 * Against it: jmmap mapping the file and reducing the rows it needs, and numpy doing each ({@code np.load(f)} then
 * the slice, {@code np.load(f, mmap_mode='r')} then the slice) in a Python process started by the benchmark.
 */
@Description("Mean of 1% of the rows of a 2 GiB float64 .npy (page cache): mapped vs loading the whole file first "
        + "(Java heap, numpy np.load); time per query")
@State(Scope.Benchmark)
@Fork(jvmArgsPrepend = "-Xmx4g") // the whole file on the heap, twice while the old copy is collected
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ArrayPartialReadBenchmark {

    private static final long BYTES = 2L << 30;
    private static final long COLUMNS = 8192;
    private static final long ROWS = BYTES / 8 / COLUMNS;
    private static final long FIRST = ROWS / 2;
    private static final long COUNT = ROWS / 100;

    private Path file;
    private NumpyWorker numpy;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = BenchArrays.float64Rows(BYTES, COLUMNS);
        numpy = NumpyWorker.start(file);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        numpy.close();
    }

    @Benchmark
    @Baseline
    public double query_loadIntoHeap() throws IOException {
        NpyHeader header = NpyHeader.read(file);
        double[] all = new double[(int) header.size()];
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 24).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = header.dataOffset();
            long end = position + header.dataLength();
            for (int done = 0; position < end; ) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), end - position));
                while (chunk.hasRemaining()) {
                    if (channel.read(chunk, position + chunk.position()) < 0) {
                        throw new EOFException(file + " ends at " + (position + chunk.position()));
                    }
                }
                chunk.flip();
                int count = chunk.remaining() / 8;
                chunk.asDoubleBuffer().get(all, done, count);
                done += count;
                position += chunk.remaining();
            }
        }
        double sum = 0;
        for (long i = FIRST * COLUMNS; i < (FIRST + COUNT) * COLUMNS; i++) {
            sum += all[(int) i];
        }
        return sum / (COUNT * COLUMNS);
    }

    @Benchmark
    public double query_mapped() throws IOException {
        try (NpyFile npy = NpyFile.open(file, MapMode.READ_ONLY)) {
            return npy.doubles().slice(FIRST, FIRST + COUNT).mean();
        }
    }

    @Benchmark
    public double query_numpyLoad() {
        return numpy.call("loadQuery " + FIRST + " " + (FIRST + COUNT));
    }

    @Benchmark
    public double query_numpyMemmap() {
        return numpy.call("memmapQuery " + FIRST + " " + (FIRST + COUNT));
    }
}
