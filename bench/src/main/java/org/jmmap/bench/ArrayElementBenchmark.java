package org.jmmap.bench;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.jmmap.Mapping;
import org.jmmap.array.LongArray;
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
 * Element access of a typed array: the sum of the 2^27 int64 elements (1 GiB) of a {@code .npy} file in the page
 * cache, read one {@code LongArray.get(long)} at a time with a {@code long} loop index (flat index, bounds-checked,
 * in the file's byte order), against a {@link MappedByteBuffer} over the same data read with {@code getLong(int)}
 * in an {@code int} loop. Controls: the typed array with an {@code int} loop index; the same {@code MappedByteBuffer}
 * loop with a {@code long} index (what a {@code long} loop costs by itself: JDK 17's C2 neither unrolls it nor drops
 * the buffer's range check when the bound is not a constant, so this row, whose bound comes from the array as
 * {@code get_longArray}'s does, bounds what that one can reach there); and the loop through
 * {@code Mapping.getLong(long)} at the element's offset (the path the flat accessors took before they read through a
 * view of the array's own bytes).
 */
@Description("Sequential LongArray.get over 1 GiB of int64 (.npy, page cache) vs a MappedByteBuffer getLong loop; "
        + "time per scan")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ArrayElementBenchmark {

    private static final long SIZE = 1L << 30;

    private NpyFile npy;
    private LongArray array;
    private FileChannel channel;
    private MappedByteBuffer buffer;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path file = BenchArrays.int64(SIZE);
        npy = BenchArrays.openWarm(file);
        array = npy.longs();
        channel = FileChannel.open(file, StandardOpenOption.READ);
        buffer = channel.map(FileChannel.MapMode.READ_ONLY, npy.header().dataOffset(), SIZE);
        buffer.order(ByteOrder.LITTLE_ENDIAN);
        buffer.load();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        npy.close();
        channel.close();
    }

    @Benchmark
    @Baseline
    public long get_mappedByteBuffer() {
        MappedByteBuffer b = buffer;
        int limit = (int) SIZE;
        long sum = 0;
        for (int i = 0; i < limit; i += Long.BYTES) {
            sum += b.getLong(i);
        }
        return sum;
    }

    @Benchmark
    public long get_mappedByteBufferLongIndex() {
        MappedByteBuffer b = buffer;
        long limit = array.size() * Long.BYTES; // a bound C2 does not know, as get_longArray's: not SIZE
        long sum = 0;
        for (long i = 0; i < limit; i += Long.BYTES) {
            sum += b.getLong((int) i);
        }
        return sum;
    }

    @Benchmark
    @SpeedTarget(min = 1.0)
    public long get_longArray() {
        LongArray a = array;
        long size = a.size();
        long sum = 0;
        for (long i = 0; i < size; i++) {
            sum += a.get(i);
        }
        return sum;
    }

    @Benchmark
    public long get_longArrayIntIndex() {
        LongArray a = array;
        int size = (int) a.size();
        long sum = 0;
        for (int i = 0; i < size; i++) {
            sum += a.get(i);
        }
        return sum;
    }

    @Benchmark
    public long get_mappingGetLong() {
        Mapping m = array.mapping();
        long base = array.offset();
        long size = array.size();
        long sum = 0;
        for (long i = 0; i < size; i++) {
            sum += m.getLong(base + (i << 3));
        }
        return sum;
    }
}
