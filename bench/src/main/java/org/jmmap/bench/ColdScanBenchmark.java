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
import org.jmmap.MapOption;
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

/**
 * Cold sequential scan: the sum of every long of a 2 GiB file that was just dropped from the page cache
 * ({@code fdatasync} + {@code posix_fadvise(POSIX_FADV_DONTNEED)} before every scan, checked with {@code mincore}),
 * so the time is mostly the disk and the kernel's read-ahead. Each scan maps, reads and unmaps. Baseline: a
 * {@link Mapping} with the default advice. Against it: {@code advise(SEQUENTIAL)}, {@code advise(WILL_NEED)},
 * {@link MapOption#POPULATE}, and two NIO ways: {@code FileChannel.read} into a 1 MiB direct buffer, and a
 * {@link MappedByteBuffer} after {@code load()}.
 */
@Description("Cold sequential scan of a 2 GiB file evicted from the page cache before every scan; time per scan")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ColdScanBenchmark {

    @Param({"2147483648"})
    public long size;

    private Path file;

    @Setup(Level.Trial)
    public void createFile() throws IOException {
        file = BenchFiles.dataFile("cold", size);
    }

    @Setup(Level.Invocation)
    public void evict() throws IOException {
        for (int attempt = 0; ; attempt++) {
            NativeReference.evict(file);
            double resident;
            try (Mapping probe = Mapping.map(file, MapMode.READ_ONLY)) {
                resident = probe.residency().fraction();
            }
            if (resident < 0.01) {
                return;
            }
            if (attempt == 20) {
                throw new IllegalStateException("file stays in the page cache: resident=" + resident);
            }
            System.gc(); // a MappedByteBuffer of an earlier scan keeps its pages until it is collected
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static long sum(Mapping mapping) {
        long sum = 0;
        long limit = mapping.length();
        for (long i = 0; i < limit; i += Long.BYTES) {
            sum += mapping.getLong(i);
        }
        return sum;
    }

    @Benchmark
    @Baseline
    public long mappingDefault() throws IOException {
        try (Mapping mapping = Mapping.map(file, MapMode.READ_ONLY)) {
            return sum(mapping);
        }
    }

    @Benchmark
    @SpeedTarget(min = 1.5)
    public long mappingSequential() throws IOException {
        try (Mapping mapping = Mapping.map(file, MapMode.READ_ONLY)) {
            mapping.advise(Advice.SEQUENTIAL);
            return sum(mapping);
        }
    }

    @Benchmark
    @SpeedTarget(min = 1.5)
    public long mappingWillNeed() throws IOException {
        try (Mapping mapping = Mapping.map(file, MapMode.READ_ONLY)) {
            mapping.advise(Advice.WILL_NEED);
            return sum(mapping);
        }
    }

    @Benchmark
    @SpeedTarget(min = 1.5)
    public long mappingPopulate() throws IOException {
        try (Mapping mapping = Mapping.map(file, MapMode.READ_ONLY, 0, size, MapOption.POPULATE)) {
            return sum(mapping);
        }
    }

    @Benchmark
    public long fileChannelRead() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.nativeOrder());
        long sum = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.remaining() >= Long.BYTES) {
                    sum += buffer.getLong();
                }
                buffer.compact();
            }
        }
        return sum;
    }

    /** NIO maps at most 2 GiB - 1 per buffer: 1 GiB buffers, each loaded, then read. */
    @Benchmark
    public long mappedByteBufferLoad() throws IOException {
        long window = 1L << 30;
        long sum = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (long start = 0; start < size; start += window) {
                int length = (int) Math.min(window, size - start);
                MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, start, length);
                buffer.order(ByteOrder.nativeOrder());
                buffer.load();
                for (int i = 0; i < length; i += Long.BYTES) {
                    sum += buffer.getLong(i);
                }
            }
        }
        return sum;
    }
}
