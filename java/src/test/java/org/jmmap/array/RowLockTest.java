package org.jmmap.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmmap.MapMode;
import org.jmmap.lock.LockMode;
import org.jmmap.lock.RangeLock;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row locks ({@link TypedArray#lock}) between processes: JVM writers rewrite whole rows under exclusive locks,
 * JVM readers check under shared locks that every row they read is one write's (all its elements equal), a
 * Python process takes part with {@code fcntl.lockf} on the same byte ranges (reading and writing), and a writer
 * is killed with SIGKILL in the middle of a row.
 *
 * <p>The row protocol: a writer sets element 0 to {@link #DIRTY} first, then elements 1.. to the new value, then
 * element 0 to it. A reader holding a shared lock can see a row being written only if the locks fail, as a row
 * whose elements differ (torn) or one marked dirty. The one exception is the row of the killed writer, which died
 * with the row half written: readers may see it marked dirty until the test repairs it.
 */
class RowLockTest {

    static final int ROWS = 32;
    static final int WIDTH = 1024;
    static final long DIRTY = Long.MIN_VALUE;
    /** The row the killed writer dies in the middle of. */
    static final int KILLED_ROW = 7;

    @TempDir
    Path directory;

    private static final Pattern READER = Pattern.compile("reads=(\\d+) torn=(\\d+) dirty=(\\d+) dirtyOther=(\\d+)");

    @Test
    void writersReadersPythonAndAKilledWriter() throws Exception {
        Path file = directory.resolve("rows.npy");
        try (NpyFile npy = NpyFile.create(file, DType.INT64, ROWS, WIDTH)) {
            LongArray a = npy.longs();
            for (int r = 0; r < ROWS; r++) {
                a.slice(r, r + 1).fill(r);
            }
            // a row's lock covers exactly its bytes
            assertArrayEquals(new long[] {128 + 3L * WIDTH * 8, WIDTH * 8L}, a.slice(3, 4).lockRange(0, WIDTH));
            assertArrayEquals(new long[] {128 + 3L * WIDTH * 8, 2 * WIDTH * 8L}, a.lockRange(3 * WIDTH, 5 * WIDTH));
        }
        Path stop = directory.resolve("stop");
        List<Process> writers = new ArrayList<>();
        List<Path> readerOutputs = new ArrayList<>();
        List<Process> readers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            writers.add(ChildJvm.of(Writer.class, file.toString(), stop.toString())
                    .start(directory.resolve("writer-" + w + ".out")));
        }
        for (int r = 0; r < 2; r++) {
            Path output = directory.resolve("reader-" + r + ".out");
            readerOutputs.add(output);
            readers.add(ChildJvm.of(Reader.class, file.toString(), "60000").start(output));
        }
        Path pythonOutput = directory.resolve("python.out");
        Process python = Numpy.start(pythonOutput, PYTHON, file.toString(), "20000");

        // The killed writer: it dies holding the lock on a row it has half written.
        Path killedOutput = directory.resolve("killed.out");
        Process killed = ChildJvm.of(KilledWriter.class, file.toString()).start(killedOutput);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.readString(killedOutput).contains("holding") && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(Files.readString(killedOutput).contains("holding"), Files.readString(killedOutput));
        try (NpyFile npy = NpyFile.open(file, MapMode.READ_WRITE)) {
            LongArray row = npy.longs().slice(KILLED_ROW, KILLED_ROW + 1);
            Optional<RangeLock> busy = row.tryLock(0, WIDTH, LockMode.SHARED);
            assertFalse(busy.isPresent(), "the killed writer's row is locked while it lives");
            Thread.sleep(ThreadLocalRandom.current().nextInt(20, 200));
            killed.destroyForcibly().waitFor();
            // the kernel released its lock: the row can be locked at once, and repaired
            try (RangeLock lock = row.lock(0, WIDTH, LockMode.EXCLUSIVE, Duration.ofSeconds(10))) {
                assertEquals(DIRTY, row.get(0), "the killed writer died in the middle of the row");
                row.fill(KILLED_ROW);
            }
        }

        int totalReads = 0;
        for (int r = 0; r < readers.size(); r++) {
            assertEquals(0, readers.get(r).waitFor(), Files.readString(readerOutputs.get(r)));
            String output = Files.readString(readerOutputs.get(r));
            Matcher m = READER.matcher(output);
            assertTrue(m.find(), output);
            totalReads += Integer.parseInt(m.group(1));
            assertEquals(0, Integer.parseInt(m.group(2)), "torn rows: " + output);
            assertEquals(0, Integer.parseInt(m.group(4)), "dirty rows other than the killed writer's: " + output);
        }
        assertEquals(0, python.waitFor(), Files.readString(pythonOutput));
        String pythonReport = Files.readString(pythonOutput);
        Matcher m = READER.matcher(pythonReport);
        assertTrue(m.find(), pythonReport);
        assertEquals(0, Integer.parseInt(m.group(2)), "torn rows seen by Python: " + pythonReport);
        assertEquals(0, Integer.parseInt(m.group(4)), "dirty rows seen by Python: " + pythonReport);
        Files.createFile(stop);
        for (Process writer : writers) {
            assertEquals(0, writer.waitFor());
        }
        assertTrue(totalReads >= 100_000, "reads=" + totalReads);
        System.out.println("JVM reads=" + totalReads + ", Python: " + pythonReport.strip());

        // what is left is consistent in numpy's eyes too
        assertEquals("ok", Numpy.run(String.join("\n",
                "a = np.load(sys.argv[1])",
                "print('ok' if all((row == row[0]).all() and row[0] != -2**63 for row in a) else a)"),
                file.toString()).strip());
    }

    /** A row is one write's: every element equal. */
    static boolean whole(long[] row) {
        for (long value : row) {
            if (value != row[0]) {
                return false;
            }
        }
        return true;
    }

    /** args: file, reads. Reads random rows under shared locks and reports what it saw. */
    static final class Reader {
        public static void main(String[] args) throws Exception {
            int reads = Integer.parseInt(args[1]);
            int torn = 0;
            int dirty = 0;
            int dirtyOther = 0;
            long[] row = new long[WIDTH];
            try (NpyFile npy = NpyFile.open(Path.of(args[0]), MapMode.READ_ONLY)) {
                LongArray a = npy.longs();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int n = 0; n < reads; n++) {
                    int r = random.nextInt(ROWS);
                    try (RangeLock lock = a.lock((long) r * WIDTH, (long) (r + 1) * WIDTH, LockMode.SHARED)) {
                        a.copyTo((long) r * WIDTH, row, 0, WIDTH);
                    }
                    if (row[0] == DIRTY) {
                        dirty++;
                        if (r != KILLED_ROW) {
                            dirtyOther++;
                        }
                    } else if (!whole(row)) {
                        torn++;
                    }
                }
            }
            System.out.println("reads=" + reads + " torn=" + torn + " dirty=" + dirty + " dirtyOther=" + dirtyOther);
        }
    }

    /** args: file, stop file. Rewrites random rows (not the killed writer's) under exclusive locks until told. */
    static final class Writer {
        public static void main(String[] args) throws Exception {
            Path stop = Path.of(args[1]);
            try (NpyFile npy = NpyFile.open(Path.of(args[0]), MapMode.READ_WRITE)) {
                LongArray a = npy.longs();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (long n = 0; n % 256 != 0 || !Files.exists(stop); n++) {
                    int r = random.nextInt(ROWS);
                    if (r == KILLED_ROW) {
                        continue;
                    }
                    LongArray row = a.slice(r, r + 1);
                    try (RangeLock lock = row.lock(LockMode.EXCLUSIVE)) {
                        long value = random.nextLong(1, Long.MAX_VALUE);
                        row.set(0, DIRTY);
                        for (int j = 1; j < WIDTH; j++) {
                            row.set(j, value);
                        }
                        row.set(0, value);
                    }
                }
            }
        }
    }

    /** args: file. Locks the killed row, writes half of it, and waits to be killed. */
    static final class KilledWriter {
        public static void main(String[] args) throws Exception {
            try (NpyFile npy = NpyFile.open(Path.of(args[0]), MapMode.READ_WRITE)) {
                LongArray row = npy.longs().slice(KILLED_ROW, KILLED_ROW + 1);
                RangeLock lock = row.lock(LockMode.EXCLUSIVE);
                row.set(0, DIRTY);
                for (int j = 1; j < WIDTH / 2; j++) {
                    row.set(j, 12345);
                }
                System.out.println("holding " + lock);
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
        }
    }

    /** Python's side: reads rows under fcntl.lockf(LOCK_SH), and every tenth time rewrites one under LOCK_EX. */
    static final String PYTHON = String.join("\n",
            "import fcntl, random",
            "path, reads = sys.argv[1], int(sys.argv[2])",
            "a = np.load(path, mmap_mode='r+')",
            "fd = os.open(path, os.O_RDWR)",
            "row_bytes = a.shape[1] * 8",
            "dirty = -2**63",
            "torn = seen_dirty = dirty_other = 0",
            "for n in range(reads):",
            "    r = random.randrange(a.shape[0])",
            "    start = a.offset + r * row_bytes",
            "    if n % 10 == 9 and r != " + KILLED_ROW + ":",
            "        fcntl.lockf(fd, fcntl.LOCK_EX, row_bytes, start)",
            "        value = random.randrange(1, 2**62)",
            "        a[r, 0] = dirty",
            "        a[r, 1:] = value",
            "        a[r, 0] = value",
            "        fcntl.lockf(fd, fcntl.LOCK_UN, row_bytes, start)",
            "        continue",
            "    fcntl.lockf(fd, fcntl.LOCK_SH, row_bytes, start)",
            "    row = np.array(a[r])",
            "    fcntl.lockf(fd, fcntl.LOCK_UN, row_bytes, start)",
            "    if row[0] == dirty:",
            "        seen_dirty += 1",
            "        dirty_other += r != " + KILLED_ROW,
            "    elif not (row == row[0]).all():",
            "        torn += 1",
            "print('reads=%d torn=%d dirty=%d dirtyOther=%d' % (reads, torn, seen_dirty, dirty_other))");
}
