package org.jmmap.bench;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.jmmap.Advice;
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
 * Bulk operations over a 1 GiB file in the page cache. {@code getBytes_}: copy a 64 KiB block into a {@code byte[]}
 * (the block moves through the file from one operation to the next), {@link Mapping#getBytes} against
 * {@code MappedByteBuffer.get(index, byte[])}; time per block. {@code indexOf_}: find a 16-byte needle that does not
 * occur (the whole 1 GiB is searched), {@link Mapping#indexOf} (C, memmem) against the obvious Java loop over a
 * {@link MappedByteBuffer}; time per search.
 */
@Description("Bulk copy of 64 KiB blocks and a 16-byte search over 1 GiB in the page cache; time per block / search")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
public class BulkBenchmark {

    private static final int BLOCK = 64 << 10;
    private static final long SIZE = 1L << 30;

    private FileChannel channel;
    private MappedByteBuffer buffer;
    private Mapping mapping;
    private final byte[] block = new byte[BLOCK];
    private final byte[] needle = "jmmap-needle-16B".getBytes(StandardCharsets.US_ASCII);
    private long nextBlock;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path file = BenchFiles.dataFile("sequential", SIZE);
        channel = FileChannel.open(file, StandardOpenOption.READ);
        buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, SIZE);
        buffer.load();
        mapping = Mapping.map(file, MapMode.READ_ONLY);
        mapping.advise(Advice.POPULATE_READ);
        if (mapping.indexOf(needle, 0, SIZE) >= 0) {
            throw new IllegalStateException("the needle occurs in the data: the search would stop early");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        mapping.close();
        channel.close();
    }

    private long blockOffset() {
        long offset = nextBlock;
        nextBlock = (offset + BLOCK) & (SIZE - 1);
        return offset;
    }

    @Benchmark
    @Baseline
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] getBytes_mappedByteBuffer() {
        buffer.get((int) blockOffset(), block, 0, BLOCK);
        return block;
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] getBytes_mapping() {
        mapping.getBytes(blockOffset(), block, 0, BLOCK);
        return block;
    }

    @Benchmark
    @Baseline
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long indexOf_javaLoop() {
        MappedByteBuffer b = buffer;
        byte[] n = needle;
        byte first = n[0];
        int last = (int) SIZE - n.length;
        search:
        for (int i = 0; i <= last; i++) {
            if (b.get(i) != first) {
                continue;
            }
            for (int j = 1; j < n.length; j++) {
                if (b.get(i + j) != n[j]) {
                    continue search;
                }
            }
            return i;
        }
        return -1;
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long indexOf_mapping() {
        return mapping.indexOf(needle, 0, SIZE);
    }
}
