package org.jmmap.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.jmmap.MapMode;
import org.jmmap.lock.LockMode;
import org.jmmap.lock.RangeLock;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sparse {@code .npy} of 64 GiB ((2^20, 2^13 + 1) int64: more than 2^33 elements), written at its start, middle
 * and end by a JVM with a 256 MiB heap, read back by numpy and by another such JVM: long flat indexes past 2^31 and
 * 2^32 elements, byte offsets past 4 GiB and across the 1 GiB windows of JDK 17's element access, bulk copies,
 * reductions and a row lock near the end. Only a few pages are ever touched; the file is deleted afterwards.
 */
class LargeArrayTest {

    static final long ROWS = 1L << 20;
    static final long COLUMNS = (1L << 13) + 1;
    static final long SIZE = ROWS * COLUMNS;
    /** Flat indexes to write and check: ends, the 2^31 and 2^32 marks, the middle, window edges. */
    static final long[] INDEXES = {0, 1, (1L << 31) - 1, 1L << 31, (1L << 32) + 5, SIZE / 2, (1L << 30) / 8 * 3 - 1,
                                   SIZE - COLUMNS, SIZE - 2, SIZE - 1};

    @TempDir
    Path directory;

    static long value(long index) {
        return index * 31 + 7;
    }

    @Test
    void sixtyFourGibibytesFromSmallHeaps() throws Exception {
        Path file = directory.resolve("large.npy");
        try {
            ChildJvm.Result written = ChildJvm.of(Child.class, "write", file.toString()).jvmOptions("-Xmx256m").run();
            assertEquals(0, written.exitStatus, written::toString);
            assertTrue(Files.size(file) > 64L << 30);

            StringBuilder script = new StringBuilder("a = np.load(sys.argv[1], mmap_mode='r')\nprint(a.shape, a.dtype)\n");
            script.append("for i in [").append(Arrays.stream(INDEXES).mapToObj(Long::toString)
                    .reduce((x, y) -> x + ", " + y).orElseThrow()).append("]:\n");
            script.append("    print(a.flat[i], end=' ')\nprint()\n");
            script.append("print(a[-1, :].sum(), a[123456, 4321])");
            String[] lines = Numpy.run(script.toString(), file.toString()).strip().split("\n");
            assertEquals("(" + ROWS + ", " + COLUMNS + ") int64", lines[0]);
            String[] values = lines[1].trim().split(" ");
            for (int i = 0; i < INDEXES.length; i++) {
                assertEquals(Long.toString(value(INDEXES[i])), values[i], "element " + INDEXES[i]);
            }
            long lastRowSum = value(SIZE - COLUMNS) + value(SIZE - 2) + value(SIZE - 1);
            assertEquals(lastRowSum + " -99", lines[2]);

            Numpy.run(String.join("\n",
                    "a = np.load(sys.argv[1], mmap_mode='r+')",
                    "a[ROWS // 2 + 1, 17] = 4242".replace("ROWS", Long.toString(ROWS)),
                    "a.flush()"), file.toString());
            ChildJvm.Result read = ChildJvm.of(Child.class, "read", file.toString()).jvmOptions("-Xmx256m").run();
            assertEquals(0, read.exitStatus, read::toString);
            assertTrue(read.output.contains("read: ok"), read.output);
            assertTrue(Files.size(file) > 64L << 30);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** args: write|read, file. */
    static final class Child {
        static void check(boolean condition, String message) {
            if (!condition) {
                System.out.println("FAILED: " + message);
                System.out.flush();
                System.exit(1);
            }
        }

        public static void main(String[] args) throws Exception {
            Path file = Path.of(args[1]);
            if (args[0].equals("write")) {
                try (NpyFile npy = NpyFile.create(file, DType.INT64, ROWS, COLUMNS)) {
                    LongArray a = npy.longs();
                    for (long index : INDEXES) {
                        a.set(index, value(index));
                    }
                    a.set(123456, 4321, -99);
                    // a bulk copy across the 4 GiB mark of the file
                    long[] run = new long[100];
                    for (int i = 0; i < run.length; i++) {
                        run[i] = value((1L << 29) - 50 + i);
                    }
                    a.copyFrom((1L << 29) - 50, run, 0, run.length);
                }
                return;
            }
            try (NpyFile npy = NpyFile.open(file, MapMode.READ_ONLY)) {
                LongArray a = npy.longs();
                check(a.size() == SIZE, "size " + a.size());
                for (long index : INDEXES) {
                    check(a.get(index) == value(index), "element " + index + " = " + a.get(index));
                }
                check(a.get(123456, 4321) == -99, "(123456, 4321)");
                check(a.get(new long[] {ROWS / 2 + 1, 17}) == 4242, "numpy's write");
                long[] run = new long[100];
                a.copyTo((1L << 29) - 50, run, 0, run.length);
                for (int i = 0; i < run.length; i++) {
                    check(run[i] == value((1L << 29) - 50 + i), "copied element " + i);
                }
                LongArray last = a.slice(ROWS - 1, ROWS).parallel(2);
                check(last.sum() == value(SIZE - COLUMNS) + value(SIZE - 2) + value(SIZE - 1), "last row sum");
                check(last.max() == value(SIZE - 1), "last row max");
                check(a.slice(ROWS - 3, ROWS).sum(1).get(2) == last.sum(), "sum along axis 1");
                long[] range = last.lockRange(0, COLUMNS);
                check(range[0] == npy.header().dataOffset() + (SIZE - COLUMNS) * 8 && range[1] == COLUMNS * 8,
                        "lock range " + Arrays.toString(range));
                try (RangeLock lock = last.lock(LockMode.SHARED)) {
                    check(lock.offset() > 64L << 30, "lock offset " + lock.offset());
                }
            }
            System.out.println("read: ok");
        }
    }
}
