package org.jmmap.bench;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
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

/**
 * Map + unmap latency of a read-only region of a file, per operation: open the file, map {@code size} bytes, unmap,
 * close. Baseline: {@code FileChannel.open} + {@code map} + {@code close}, then the buffer is dropped, because a
 * {@link MappedByteBuffer} cannot be unmapped without {@code Unsafe} (its munmap happens later, when the garbage
 * collector finds it unreachable, on another thread: not in this figure). Against it: {@link Mapping#map} +
 * {@link Mapping#close()} on the JNI and the JNA backends, and FFM's {@code FileChannel.map(.., Arena)} with the
 * arena closed (a real munmap; JDK 22+).
 */
@Description("Map + unmap latency of a read-only file region (open, map, unmap, close); time per operation")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MapUnmapBenchmark {

    @Param({"4096", "1048576", "268435456"})
    public long size;

    private Path file;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = BenchFiles.dataFile("map-unmap", 256L << 20);
    }

    @Benchmark
    @Baseline
    public MappedByteBuffer fileChannelMapAndDrop() throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
    }

    @Benchmark
    @SpeedTarget(min = 2.0)
    public long mapping() throws IOException {
        try (Mapping mapping = Mapping.map(file, MapMode.READ_ONLY, 0, size)) {
            return mapping.address();
        }
    }

    @Benchmark
    @Fork(jvmArgsPrepend = "-Djmmap.backend=jna")
    public long mappingJnaBackend() throws IOException {
        return mapping();
    }

    @Benchmark
    public void ffmArena() throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Ffm.INSTANCE.mapAndUnmap(channel, 0, size);
        }
    }
}
