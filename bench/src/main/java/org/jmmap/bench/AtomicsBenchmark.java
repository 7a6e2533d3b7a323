package org.jmmap.bench;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
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
 * Uncontended read-modify-write atomics on one long. On file mappings jmmap runs them in C under its SIGBUS guard
 * (HotSpot's own compare-and-set does not survive a file truncated underneath); on anonymous memory it uses a
 * VarHandle like the baseline, a VarHandle over a MappedByteBuffer. Time per operation; each method is compared
 * with the baseline of its operation ({@code getAndAdd_}, {@code compareAndSet_}, {@code getVolatile_}).
 */
@Description("Uncontended atomics on one long of a 4 KiB mapping (file-backed and anonymous); time per operation")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AtomicsBenchmark {

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private Path file;
    private FileChannel channel;
    private MappedByteBuffer buffer;
    private Mapping fileMapping;
    private Mapping anonymous;
    private long expected;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = Files.createTempFile("jmmap-bench-atomics-", ".bin");
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, 4096);
        fileMapping = Mapping.map(file, MapMode.READ_WRITE, 0, 4096);
        anonymous = Mapping.anonymous(4096);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        fileMapping.close();
        anonymous.close();
        channel.close();
        Files.deleteIfExists(file);
    }

    @Benchmark
    @Baseline
    public long getAndAdd_mappedByteBuffer() {
        return (long) LONG.getAndAdd(buffer, 64, 1L);
    }

    @Benchmark
    public long getAndAdd_mappingFile() {
        return fileMapping.getAndAddLong(64, 1);
    }

    @Benchmark
    public long getAndAdd_mappingAnonymous() {
        return anonymous.getAndAddLong(64, 1);
    }

    @Benchmark
    @Baseline
    public boolean compareAndSet_mappedByteBuffer() {
        boolean set = LONG.compareAndSet(buffer, 128, expected, expected + 1);
        expected++;
        return set;
    }

    @Benchmark
    public boolean compareAndSet_mappingFile() {
        boolean set = fileMapping.compareAndSetLong(128, expected, expected + 1);
        expected++;
        return set;
    }

    @Benchmark
    public long getVolatile_mappingFile() {
        return fileMapping.getLongVolatile(64);
    }

    @Benchmark
    @Baseline
    public long getVolatile_mappedByteBuffer() {
        return (long) LONG.getVolatile(buffer, 64);
    }
}
