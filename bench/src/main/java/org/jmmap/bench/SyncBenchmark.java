package org.jmmap.bench;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.SyncMode;
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
 * Durable 4 KiB writes: write one page of a 64 MiB file (a different page each time) and flush it to the disk.
 * Baseline: {@code MappedByteBuffer.put(index, byte[])} + {@code force(index, 4096)}. Against it:
 * {@link Mapping#putBytes} + {@code sync(offset, 4096, SyncMode.SYNC)} (msync(MS_SYNC) of that page). Time per
 * page; the file lives in the benchmark directory (a disk file system, not tmpfs, or the figure means nothing).
 */
@Description("Write one 4 KiB page and flush it to disk (msync MS_SYNC / force); time per page")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SyncBenchmark {

    private static final int PAGE = 4096;
    private static final long SIZE = 64L << 20;

    private Path file;
    private FileChannel channel;
    private MappedByteBuffer buffer;
    private Mapping mapping;
    private final byte[] page = new byte[PAGE];
    private long nextPage;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = BenchFiles.scratchFile("sync");
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
        mapping = Mapping.map(file, MapMode.READ_WRITE, 0, SIZE);
        mapping.fill(0, SIZE, (byte) 1); // allocate the blocks once: the figure is about flushing, not allocation
        mapping.sync();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        mapping.close();
        channel.close();
        Files.deleteIfExists(file);
    }

    private long pageOffset() {
        long offset = nextPage;
        nextPage = (offset + PAGE) % SIZE;
        page[0]++;
        return offset;
    }

    @Benchmark
    @Baseline
    public MappedByteBuffer mappedByteBufferForce() {
        int offset = (int) pageOffset();
        buffer.put(offset, page, 0, PAGE);
        return buffer.force(offset, PAGE);
    }

    @Benchmark
    public Mapping mappingSync() throws IOException {
        long offset = pageOffset();
        mapping.putBytes(offset, page, 0, PAGE);
        mapping.sync(offset, PAGE, SyncMode.SYNC);
        return mapping;
    }
}
