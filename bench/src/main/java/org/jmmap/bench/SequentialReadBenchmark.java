package org.jmmap.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.jmmap.Advice;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Warm sequential read: the sum of every long of a 1 GiB file in the page cache (page tables filled), time per
 * scan. Baseline: one {@link MappedByteBuffer} read with an {@code int} index. Against it: {@link Mapping#getLong}
 * with a {@code long} index (as code past 2 GiB must be written) and with an {@code int} index,
 * {@link Mapping#asByteBuffer} windows, the same with jmmap's bounds checks off, an FFM {@code MemorySegment}
 * (JDK 22+), and a C loop over the mapping called once through JNI (memory bandwidth: the physical reference).
 */
@Description("Warm sequential read: sum of every long of a file in the page cache; time per full scan")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SequentialReadBenchmark {

    @Param({"1073741824"})
    public long size;

    private FileChannel channel;
    private MappedByteBuffer mappedByteBuffer;
    private Mapping mapping;
    private Ffm.Segment segment;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path file = BenchFiles.dataFile("sequential", size);
        channel = FileChannel.open(file, StandardOpenOption.READ);
        mappedByteBuffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        mappedByteBuffer.order(ByteOrder.nativeOrder());
        mappedByteBuffer.load(); // in the page cache, page tables filled for every path
        mapping = Mapping.map(file, MapMode.READ_ONLY);
        mapping.advise(Advice.POPULATE_READ);
        if (Ffm.INSTANCE != null) {
            segment = Ffm.INSTANCE.map(channel, FileChannel.MapMode.READ_ONLY, 0, size);
            segment.sumLongs();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (segment != null) {
            segment.close();
        }
        mapping.close();
        channel.close();
    }

    @Benchmark
    @Baseline
    public long mappedByteBufferGetLong() {
        MappedByteBuffer buffer = mappedByteBuffer;
        int limit = (int) size;
        long sum = 0;
        for (int i = 0; i < limit; i += Long.BYTES) {
            sum += buffer.getLong(i);
        }
        return sum;
    }

    /** Control: the baseline with a {@code long} loop index. */
    @Benchmark
    public long mappedByteBufferGetLongLongIndex() {
        MappedByteBuffer buffer = mappedByteBuffer;
        long limit = size;
        long sum = 0;
        for (long i = 0; i < limit; i += Long.BYTES) {
            sum += buffer.getLong((int) i);
        }
        return sum;
    }

    @Benchmark
    @SpeedTarget(min = 1.0)
    @SpeedTarget(min = 0.95, against = "ffmSegmentGetLong")
    public long mappingGetLong() {
        return sumWithMapping(mapping, size);
    }

    /** Benchmark 8: the same loop with {@code -Djmmap.disable.bounds.checks=true}. */
    @Benchmark
    @Fork(jvmArgsPrepend = "-Djmmap.disable.bounds.checks=true")
    public long mappingGetLongNoBoundsChecks() {
        return sumWithMapping(mapping, size);
    }

    private static long sumWithMapping(Mapping m, long limit) {
        long sum = 0;
        for (long i = 0; i < limit; i += Long.BYTES) {
            sum += m.getLong(i);
        }
        return sum;
    }

    /** Control: Mapping with the baseline's {@code int} loop index. */
    @Benchmark
    public long mappingGetLongIntIndex() {
        Mapping m = mapping;
        int limit = (int) size;
        long sum = 0;
        for (int i = 0; i < limit; i += Long.BYTES) {
            sum += m.getLong(i);
        }
        return sum;
    }

    @Benchmark
    public long mappingByteBufferWindows() {
        long sum = 0;
        long window = 1L << 30;
        for (long start = 0; start < size; start += window) {
            int length = (int) Math.min(window, size - start);
            ByteBuffer buffer = mapping.asByteBuffer(start, length).order(ByteOrder.nativeOrder());
            for (int i = 0; i < length; i += Long.BYTES) {
                sum += buffer.getLong(i);
            }
        }
        return sum;
    }

    /** FFM: a MemorySegment from {@code FileChannel.map(.., Arena)}, {@code long} loop (JDK 22+). */
    @Benchmark
    public long ffmSegmentGetLong() {
        return segment.sumLongs();
    }

    /** The physical reference: a C loop over jmmap's mapping, one JNI call per scan. */
    @Benchmark
    public long nativeCLoop() {
        return NativeReference.sumLongs(mapping.address(), size);
    }
}
