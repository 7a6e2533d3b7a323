package org.jmmap.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.sync.SharedValue;
import org.jmmap.sync.SharedValueDescriptor;
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
 * Reading (and publishing) a {@link SharedValue} of 64 B and 4 KiB in tmpfs shared memory, uncontended, against a
 * plain copy of as many bytes out of (into) a direct {@code ByteBuffer} over the same mapping, the baseline: the
 * cost of the seqlock's checks (and, for publish, of the writer claim and the wake-up bookkeeping). The
 * {@code read…_} groups copy into a reused heap buffer ({@code read(ByteBuffer)}); the {@code read…Array_}
 * groups return a new array each time ({@code read()}), and so does their baseline.
 */
@Description("SharedValue read and publish of 64 B and 4 KiB against a plain copy; time per operation")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SharedValueBenchmark {

    private Path shmFile;
    private Mapping mapping;
    private ByteBuffer plain;
    private SharedValue small;
    private SharedValue large;
    private final ByteBuffer into = ByteBuffer.allocate(4096);
    private final byte[] bytes64 = new byte[64];
    private final byte[] bytes4k = new byte[4096];

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        shmFile = Files.createTempFile(Paths.get("/dev/shm"), "jmmap-bench-value-", ".bin");
        mapping = Mapping.map(shmFile, MapMode.READ_WRITE, 0, 64 * 1024);
        // Native order, as SharedValue's own view: a heap buffer's put from a big-endian direct buffer measured
        // several times slower for 4 KiB on JDK 17.
        plain = mapping.asByteBuffer(0, 4096).order(ByteOrder.nativeOrder());
        small = SharedValue.create(mapping, 8192, 64);
        large = SharedValue.create(mapping, 8192 + SharedValueDescriptor.length(64) + 64, 4096);
        small.publish(bytes64);
        large.publish(bytes4k);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        mapping.close();
        Files.deleteIfExists(shmFile);
    }

    @Benchmark
    @Baseline
    public ByteBuffer read64_plainCopy() {
        into.clear();
        return into.put(0, plain, 0, 64);
    }

    @Benchmark
    public int read64_sharedValue() {
        into.clear();
        return small.read(into);
    }

    @Benchmark
    @Baseline
    public byte[] read64Array_plainCopy() {
        byte[] out = new byte[64];
        plain.get(0, out);
        return out;
    }

    @Benchmark
    public byte[] read64Array_sharedValue() {
        return small.read();
    }

    @Benchmark
    @Baseline
    public ByteBuffer read4k_plainCopy() {
        into.clear();
        return into.put(0, plain, 0, 4096);
    }

    @Benchmark
    public int read4k_sharedValue() {
        into.clear();
        return large.read(into);
    }

    @Benchmark
    @Baseline
    public byte[] read4kArray_plainCopy() {
        byte[] out = new byte[4096];
        plain.get(0, out);
        return out;
    }

    @Benchmark
    public byte[] read4kArray_sharedValue() {
        return large.read();
    }

    @Benchmark
    @Baseline
    public ByteBuffer publish64_plainCopy() {
        return plain.put(0, bytes64);
    }

    @Benchmark
    public long publish64_sharedValue() {
        return small.publish(bytes64);
    }

    @Benchmark
    @Baseline
    public ByteBuffer publish4k_plainCopy() {
        return plain.put(0, bytes4k);
    }

    @Benchmark
    public long publish4k_sharedValue() {
        return large.publish(bytes4k);
    }
}
