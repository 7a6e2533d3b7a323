package org.jmmap.bench;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jmmap.Advice;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Warm random 8-byte reads over an 8 GiB file in the page cache (page tables filled), time per read. The offsets
 * (8-aligned, uniformly spread, the same for every method) are drawn in advance; each operation sums
 * {@value #BATCH} of them. Baseline: an array of 1 GiB {@link MappedByteBuffer}s (NIO needs several for 8 GiB) with
 * the offset split by hand. Against it: one {@link Mapping}, and an FFM {@code MemorySegment} (JDK 22+).
 */
@Description("Warm random 8-byte reads over an 8 GiB file in the page cache; time per read")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RandomReadBenchmark {

    static final int BATCH = 256;
    private static final int WINDOW_SHIFT = 30;
    private static final long WINDOW_MASK = (1L << WINDOW_SHIFT) - 1;
    private static final int OFFSETS = 1 << 20;

    @Param({"8589934592"})
    public long size;

    private FileChannel channel;
    private MappedByteBuffer[] buffers;
    private Mapping mapping;
    private Ffm.Segment segment;
    private final long[] offsets = new long[OFFSETS];
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path file = BenchFiles.dataFile("random", size);
        channel = FileChannel.open(file, StandardOpenOption.READ);
        buffers = new MappedByteBuffer[(int) ((size + WINDOW_MASK) >>> WINDOW_SHIFT)];
        for (int i = 0; i < buffers.length; i++) {
            long start = (long) i << WINDOW_SHIFT;
            buffers[i] = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(1L << WINDOW_SHIFT, size - start));
            buffers[i].order(ByteOrder.nativeOrder());
            buffers[i].load();
        }
        mapping = Mapping.map(file, MapMode.READ_ONLY);
        mapping.advise(Advice.POPULATE_READ);
        if (Ffm.INSTANCE != null) {
            segment = Ffm.INSTANCE.map(channel, FileChannel.MapMode.READ_ONLY, 0, size);
            segment.sumLongs();
        }
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < OFFSETS; i++) {
            offsets[i] = random.nextLong(size / Long.BYTES) * Long.BYTES;
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

    /** The first offset of the next batch. */
    private int batch() {
        int start = next;
        next = (start + BATCH) & (OFFSETS - 1);
        return start;
    }

    @Benchmark
    @Baseline
    @OperationsPerInvocation(BATCH)
    public long mappedByteBufferArray() {
        MappedByteBuffer[] b = buffers;
        long[] o = offsets;
        int start = batch();
        long sum = 0;
        for (int i = start; i < start + BATCH; i++) {
            long offset = o[i];
            sum += b[(int) (offset >>> WINDOW_SHIFT)].getLong((int) (offset & WINDOW_MASK));
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    @SpeedTarget(min = 1.0)
    public long mapping() {
        Mapping m = mapping;
        long[] o = offsets;
        int start = batch();
        long sum = 0;
        for (int i = start; i < start + BATCH; i++) {
            sum += m.getLong(o[i]);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long ffmSegment() {
        Ffm.Segment s = segment;
        long[] o = offsets;
        int start = batch();
        long sum = 0;
        for (int i = start; i < start + BATCH; i++) {
            sum += s.getLong(o[i]);
        }
        return sum;
    }
}
