package org.jmmap.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jmmap.array.DoubleArray;
import org.jmmap.array.FloatArray;
import org.jmmap.array.NpyFile;
import org.jmmap.array.TypedArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The sum of a 4 GiB {@code .npy} file in the page cache, every page mapped: jmmap's native reduction
 * ({@code sum()}, float32 accumulated in double) on one and two threads, against numpy's {@code a.sum()} on
 * {@code np.load(file, mmap_mode='r')} in a Python process started by the benchmark over the same file and kept
 * open (float64: a 1-d array; float32: the (time, lat, lon) weather array). The {@code cLoop} rows are the machine's
 * ceiling for any sum: a C loop adding the same mapped bytes as 64-bit integers into eight accumulators
 * ({@link NativeReference#sumLongsUnrolled}), on one thread and on two threads each taking half.
 */
@Description("Sum of a 4 GiB .npy in the page cache: jmmap sum() on 1 and 2 threads vs numpy a.sum() on a memmap; "
        + "time per sum")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ArraySumBenchmark {

    @Param({"float64", "float32"})
    public String dtype;

    private NpyFile npy;
    private TypedArray array;
    private NumpyWorker numpy;
    private ExecutorService pool;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path file = dtype.equals("float64") ? BenchArrays.float64(4L << 30) : BenchArrays.weather();
        npy = BenchArrays.openWarm(file);
        array = npy.array();
        numpy = NumpyWorker.start(file);
        numpy.call("sum"); // numpy's memmap now has its page tables filled too
        pool = Executors.newFixedThreadPool(2);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        pool.shutdownNow();
        numpy.close();
        npy.close();
    }

    private static double sum(TypedArray a) {
        return a instanceof DoubleArray ? ((DoubleArray) a).sum() : ((FloatArray) a).sum();
    }

    @Benchmark
    @Baseline
    public double sum_numpy() {
        return numpy.call("sum");
    }

    @Benchmark
    @SpeedTarget(min = 1.5)
    public double sum_jmmap() {
        return sum(array);
    }

    @Benchmark
    @SpeedTarget(min = 2.5)
    public double sum_jmmap2Threads() {
        return sum(array.parallel(2));
    }

    /** The bytes of the array's data, for the C loops: whole 8-byte words from the data offset on. */
    private long dataAddress() {
        return array.mapping().address() + array.offset();
    }

    private long dataLength() {
        return (array.size() * array.itemSize()) & ~7L;
    }

    @Benchmark
    public long sum_cLoop() {
        return NativeReference.sumLongsUnrolled(dataAddress(), dataLength());
    }

    @Benchmark
    public long sum_cLoop2Threads() throws InterruptedException, ExecutionException {
        long address = dataAddress();
        long half = (dataLength() / 2) & ~7L;
        Future<Long> first = pool.submit(() -> NativeReference.sumLongsUnrolled(address, half));
        long second = NativeReference.sumLongsUnrolled(address + half, dataLength() - half);
        return first.get() + second;
    }
}
