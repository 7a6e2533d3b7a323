package org.jmmap.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jmmap.MapMode;
import org.jmmap.array.FloatArray;
import org.jmmap.array.NpyFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The per-cell mean over time of a (time, lat, lon) = (2048, 512, 1024) float32 weather array (4 GiB, in the page
 * cache): {@code np.load(file, mmap_mode='r').mean(axis=0)} in a Python process started by the benchmark, against
 * jmmap opening the same file and computing {@code floats().mean(0)} (accumulated in double, stored as float32 as
 * numpy's) on one and two threads. Both open the file on every call, as that line of numpy does.
 */
@Description("Mean over axis 0 of a (2048, 512, 1024) float32 .npy (4 GiB, page cache), file opened per call: "
        + "jmmap vs np.load(mmap_mode='r').mean(axis=0); time per mean")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ArrayMeanAxisBenchmark {

    private Path file;
    private NumpyWorker numpy;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = BenchArrays.weather();
        numpy = NumpyWorker.start(file);
        numpy.call("mean0");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        numpy.close();
    }

    private float mean(int threads) throws IOException {
        try (NpyFile npy = NpyFile.open(file, MapMode.READ_ONLY)) {
            FloatArray means = npy.floats().parallel(threads).mean(0);
            float first = means.get(0);
            means.mapping().close();
            return first;
        }
    }

    @Benchmark
    @Baseline
    public double mean0_numpy() {
        return numpy.call("mean0");
    }

    @Benchmark
    @SpeedTarget(min = 1.0)
    public float mean0_jmmap() throws IOException {
        return mean(1);
    }

    @Benchmark
    public float mean0_jmmap2Threads() throws IOException {
        return mean(2);
    }
}
