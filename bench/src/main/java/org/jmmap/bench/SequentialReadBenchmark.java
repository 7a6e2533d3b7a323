package org.jmmap.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Warm sequential read: the sum of every long of a file in the page cache, through {@link Mapping#getLong}, through
 * {@link Mapping#asByteBuffer} windows, and through one {@link MappedByteBuffer} (the baseline). Time per full scan.
 */
@Description("Warm sequential read: sum of every long of a file in the page cache; time per full scan")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SequentialReadBenchmark {

    @Param({"1073741824"})
    public long size;

    private Path file;
    private FileChannel channel;
    private MappedByteBuffer mappedByteBuffer;
    private Mapping mapping;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = BenchFiles.randomFile("sequential", size);
        channel = FileChannel.open(file, StandardOpenOption.READ);
        mappedByteBuffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        mappedByteBuffer.order(java.nio.ByteOrder.nativeOrder());
        mapping = Mapping.map(file, MapMode.READ_ONLY);
        mappedByteBuffer.load(); // in the page cache, page tables filled for both
        mapping.advise(org.jmmap.Advice.POPULATE_READ);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        mapping.close();
        channel.close();
        Files.deleteIfExists(file);
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

    @Benchmark
    public long mappingGetLong() {
        Mapping m = mapping;
        long limit = size;
        long sum = 0;
        for (long i = 0; i < limit; i += Long.BYTES) {
            sum += m.getLong(i);
        }
        return sum;
    }

    /** Control: the baseline with a long loop index, as code that must go past 2 GiB is written. */
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

    /** Control: Mapping with the baseline's int loop index. */
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
            ByteBuffer buffer = mapping.asByteBuffer(start, length).order(java.nio.ByteOrder.nativeOrder());
            for (int i = 0; i < length; i += Long.BYTES) {
                sum += buffer.getLong(i);
            }
        }
        return sum;
    }
}
