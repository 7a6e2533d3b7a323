package org.jmmap.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jmmap.MapMode;
import org.jmmap.array.DType;
import org.jmmap.array.LongArray;
import org.jmmap.array.NpyFile;
import org.jmmap.lock.LockMode;
import org.jmmap.lock.RangeLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Readers of a shared array while one writer updates rows: three reader threads each read a random 8 KiB row of a
 * (256, 1024) int64 {@code .npy} under a shared lock, while a writer thread updates random rows under exclusive
 * locks, holding each for {@link #HOLD_NANOS} (a writer that computes or receives the row as it writes it) and
 * pausing as long between rows, so that it costs the readers little CPU in either case and only its locks differ.
 * Baseline: every lock covers the whole array (one lock, as {@code flock} or a single {@code FileChannel.lock}
 * gives): readers wait whenever the writer holds it. Against it: {@link LongArray#lock} over each row's bytes, so
 * that readers wait only for the row being written. Each lock is its own open file description, as between
 * processes. Reader throughput; the writer's row count is printed at the end of each trial.
 */
@Description("3 readers + 1 writer (holding each row lock 200 us) of a (256, 1024) int64 .npy: row range locks vs "
        + "one whole-array lock; reader throughput")
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(3)
public class ArrayLockBenchmark {

    static final int ROWS = 256;
    static final int COLUMNS = 1024;
    /** How long the writer holds a lock for one row, and pauses between rows. */
    static final long HOLD_NANOS = 200_000;

    /** The array and a writer thread that takes the locks {@link #wholeArray} says. */
    abstract static class Shared {
        NpyFile npy;
        LongArray array;
        private Thread writer;
        private volatile boolean running;
        private final AtomicLong rowsWritten = new AtomicLong();

        abstract boolean wholeArray();

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            Path file = BenchFiles.scratchFile("rows");
            Files.delete(file);
            npy = NpyFile.create(file, DType.INT64, ROWS, COLUMNS);
            array = npy.longs();
            running = true;
            writer = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                try (NpyFile own = NpyFile.open(file, MapMode.READ_WRITE)) {
                    LongArray rows = own.longs();
                    while (running) {
                        int r = random.nextInt(ROWS);
                        LongArray row = rows.slice(r, r + 1);
                        try (RangeLock lock = wholeArray() ? rows.lock(LockMode.EXCLUSIVE)
                                : row.lock(LockMode.EXCLUSIVE)) {
                            row.fill(random.nextLong());
                            LockSupport.parkNanos(HOLD_NANOS);
                        }
                        rowsWritten.incrementAndGet();
                        LockSupport.parkNanos(HOLD_NANOS);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "row writer");
            writer.start();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            running = false;
            writer.join();
            System.out.println("(writer: " + rowsWritten.get() + " rows, " + (wholeArray() ? "whole-array" : "row")
                    + " locks)");
            npy.close();
            Files.deleteIfExists(npy.file());
        }
    }

    @State(Scope.Benchmark)
    public static class WholeArray extends Shared {
        @Override
        boolean wholeArray() {
            return true;
        }
    }

    @State(Scope.Benchmark)
    public static class Rows extends Shared {
        @Override
        boolean wholeArray() {
            return false;
        }
    }

    private static long readRow(Shared shared, boolean wholeArray) throws IOException {
        LongArray array = shared.array;
        int r = ThreadLocalRandom.current().nextInt(ROWS);
        LongArray row = array.slice(r, r + 1);
        long first;
        long last;
        try (RangeLock lock = wholeArray ? array.lock(LockMode.SHARED) : row.lock(LockMode.SHARED)) {
            first = row.get(0);
            last = row.get(COLUMNS - 1);
            for (int j = 1; j < COLUMNS - 1; j++) {
                first ^= row.get(j);
            }
        }
        return first ^ last;
    }

    @Benchmark
    @Baseline
    public long read_wholeArrayLock(WholeArray shared) throws IOException {
        return readRow(shared, true);
    }

    @Benchmark
    public long read_rowLock(Rows shared) throws IOException {
        return readRow(shared, false);
    }
}
