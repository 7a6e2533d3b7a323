package org.jmmap.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jmmap.Advice;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Cold random reads: {@value #READS} reads of 4 KiB at random page-aligned offsets of an 8 GiB file that was just
 * dropped from the page cache (before every shot, checked with {@code mincore}), the same offsets for every method.
 * This is where advice matters: on a fault the kernel reads around the page (128 KiB with the default read-ahead),
 * which a scattered reader pays for and never uses. Baseline: a {@link Mapping} with the default advice
 * ({@code NORMAL}). Against it: {@code advise(RANDOM)} (no read-around), and {@code FileChannel.read} at the same
 * offsets (whose read-ahead a Java program cannot advise: {@code posix_fadvise(RANDOM)} acts on the open file
 * description, which {@code FileChannel} does not expose). After each shot the benchmark counts the file's
 * pages in the page cache ({@code mincore}) and prints the read amplification of each method at the end of its trial
 * ({@code # amplification}: pages the kernel read per page asked).
 */
@Description("Cold random 4 KiB reads over an 8 GiB file evicted before every shot: default advice, RANDOM, and "
        + "FileChannel.read; time per shot of " + ColdRandomReadBenchmark.READS + " reads")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ColdRandomReadBenchmark {

    static final int READS = 1000;
    private static final int BLOCK = 4096;

    @Param({"8589934592"})
    public long size;

    private Path file;
    private long[] offsets;
    private Mapping probe;
    private long pagesRead;
    private long pagesAsked;
    private final byte[] block = new byte[BLOCK];
    private final ByteBuffer direct = ByteBuffer.allocateDirect(BLOCK);

    @Setup(Level.Trial)
    public void createFile() throws IOException {
        file = BenchFiles.dataFile("random", size);
        SplittableRandom random = new SplittableRandom(42);
        offsets = new long[READS];
        for (int i = 0; i < READS; i++) {
            offsets[i] = random.nextLong(size / BLOCK) * BLOCK;
        }
        probe = Mapping.map(file, MapMode.READ_ONLY); // never touched: mincore sees the page cache through it
    }

    @Setup(Level.Invocation)
    public void evict() throws IOException {
        for (int attempt = 0; ; attempt++) {
            NativeReference.evict(file);
            long resident = probe.residentPages(0, size);
            if (resident == 0) {
                return;
            }
            if (attempt == 20) {
                throw new IllegalStateException("file stays in the page cache: resident pages=" + resident);
            }
            System.gc(); // a mapping of an earlier shot keeps its pages until it is unmapped
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @TearDown(Level.Invocation)
    public void countPagesRead() throws IOException {
        pagesRead += probe.residentPages(0, size);
        pagesAsked += READS;
    }

    @TearDown(Level.Trial)
    public void report(BenchmarkParams params) {
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        System.out.printf(Locale.ROOT, "%n# amplification %s: %.2f pages read per page asked (%d shots)%n", method,
                (double) pagesRead / pagesAsked, pagesAsked / READS);
        probe.close();
    }

    private long readAll(Mapping mapping) {
        long sum = 0;
        for (long offset : offsets) {
            mapping.getBytes(offset, block, 0, BLOCK);
            sum += block[0] + block[BLOCK - 1];
        }
        return sum;
    }

    private long readAll(FileChannel channel) throws IOException {
        long sum = 0;
        for (long offset : offsets) {
            direct.clear();
            while (direct.hasRemaining() && channel.read(direct, offset + direct.position()) >= 0) {
                // a short read of a regular file is rare: the loop finishes the block
            }
            sum += direct.get(0) + direct.get(BLOCK - 1);
        }
        return sum;
    }

    @Benchmark
    @Baseline
    public long mappingNormal() throws IOException {
        try (Mapping mapping = Mapping.map(file, MapMode.READ_ONLY)) {
            return readAll(mapping);
        }
    }

    @Benchmark
    @SpeedTarget(min = 2.0)
    public long mappingRandom() throws IOException {
        try (Mapping mapping = Mapping.map(file, MapMode.READ_ONLY)) {
            mapping.advise(Advice.RANDOM);
            return readAll(mapping);
        }
    }

    @Benchmark
    public long fileChannelRead() throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return readAll(channel);
        }
    }
}
