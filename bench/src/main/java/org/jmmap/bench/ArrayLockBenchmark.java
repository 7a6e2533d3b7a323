package org.jmmap.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jmmap.MapMode;
import org.jmmap.array.DType;
import org.jmmap.array.LongArray;
import org.jmmap.array.NpyFile;
import org.jmmap.lock.LockMode;
import org.jmmap.lock.RangeLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Readers of a shared array while one writer updates rows: three reader threads each read a random 8 KiB row of a
 * (256, 1024) int64 {@code .npy} under a shared lock, while a writer thread updates random rows under exclusive
 * locks, holding each for {@link #HOLD_NANOS} (a writer that computes or receives the row as it writes it) and
 * pausing as long between rows, so that it costs the readers little CPU in either case and only its locks differ.
 * Both run as one JMH group (3 reader threads, 1 writer thread), which reports each side's throughput: rows read
 * and rows written per millisecond. Baseline: every lock covers the whole array (one lock, as {@code flock} or a
 * single {@code FileChannel.lock} gives): readers wait whenever the writer holds it, and the writer waits for every
 * reader. Against it: {@link LongArray#lock} over each row's bytes, so that each side waits only for the row the
 * other is on. Each lock is its own open file description, as between processes; the writer maps the file through
 * an {@code NpyFile} of its own.
 */
@Description("3 readers + 1 writer (holding each row lock 200 us) of a (256, 1024) int64 .npy: row range locks vs "
        + "one whole-array lock; rows read and rows written per ms")
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ArrayLockBenchmark {

    static final int ROWS = 256;
    static final int COLUMNS = 1024;
    /** How long the writer holds a lock for one row, and pauses between rows. */
    static final long HOLD_NANOS = 200_000;

    /** The array, once for the readers and once through the writer's own mapping. */
    abstract static class Shared {
        NpyFile npy;
        LongArray array;
        NpyFile writerNpy;
        LongArray writerArray;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            Path file = BenchFiles.scratchFile("rows");
            Files.delete(file);
            npy = NpyFile.create(file, DType.INT64, ROWS, COLUMNS);
            array = npy.longs();
            writerNpy = NpyFile.open(file, MapMode.READ_WRITE);
            writerArray = writerNpy.longs();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            writerNpy.close();
            npy.close();
            Files.deleteIfExists(npy.file());
        }
    }

    @State(Scope.Group)
    public static class WholeArray extends Shared {
    }

    @State(Scope.Group)
    public static class Rows extends Shared {
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

    private static long writeRow(Shared shared, boolean wholeArray) throws IOException {
        LongArray rows = shared.writerArray;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int r = random.nextInt(ROWS);
        LongArray row = rows.slice(r, r + 1);
        long value = random.nextLong();
        try (RangeLock lock = wholeArray ? rows.lock(LockMode.EXCLUSIVE) : row.lock(LockMode.EXCLUSIVE)) {
            row.fill(value);
            LockSupport.parkNanos(HOLD_NANOS);
        }
        LockSupport.parkNanos(HOLD_NANOS);
        return value;
    }

    @Benchmark
    @Group("wholeArrayLock")
    @GroupThreads(3)
    @Baseline
    public long read_wholeArrayLock(WholeArray shared) throws IOException {
        return readRow(shared, true);
    }

    @Benchmark
    @Group("wholeArrayLock")
    @GroupThreads(1)
    @Baseline
    public long write_wholeArrayLock(WholeArray shared) throws IOException {
        return writeRow(shared, true);
    }

    @Benchmark
    @Group("rowLock")
    @GroupThreads(3)
    public long read_rowLock(Rows shared) throws IOException {
        return readRow(shared, false);
    }

    @Benchmark
    @Group("rowLock")
    @GroupThreads(1)
    public long write_rowLock(Rows shared) throws IOException {
        return writeRow(shared, false);
    }
}
