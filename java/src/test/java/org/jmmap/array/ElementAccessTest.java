package org.jmmap.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flat accessors {@code get(long)} and {@code set(long, v)} of every typed array, which read and write through
 * a view of the array's own bytes ({@code org.jmmap.internal.Elements}) cached per mapping memory: values in both
 * byte orders, and every way the cache can be out of date or out of range (index outside the array, mapping
 * closed, resized smaller, moved by a resize, read-only). Close racing with element loops and a file truncated
 * under them run in a child JVM.
 */
class ElementAccessTest {

    @TempDir
    Path directory;

    /** One array of each kind over the same 64 bytes at offset 8 of {@code m}, in {@code order}. */
    private static List<TypedArray> arrays(Mapping m, String order) {
        return List.of(MappedArrays.view(m, 8, order + "f8", 8), MappedArrays.view(m, 8, order + "f4", 16),
                MappedArrays.view(m, 8, order + "f2", 32), MappedArrays.view(m, 8, order + "i8", 8),
                MappedArrays.view(m, 8, order + "i4", 16), MappedArrays.view(m, 8, order + "i2", 32),
                MappedArrays.view(m, 8, "|i1", 64));
    }

    /** Reads element {@code i} of {@code a} through its flat accessor, widened to double. */
    private static double get(TypedArray a, long i) {
        if (a instanceof DoubleArray) {
            return ((DoubleArray) a).get(i);
        } else if (a instanceof FloatArray) {
            return ((FloatArray) a).get(i);
        } else if (a instanceof LongArray) {
            return ((LongArray) a).get(i);
        } else if (a instanceof IntArray) {
            return ((IntArray) a).get(i);
        } else if (a instanceof ShortArray) {
            return ((ShortArray) a).get(i);
        }
        return ((ByteArray) a).get(i);
    }

    /** Writes {@code v} (a small integer) to element {@code i} of {@code a} through its flat accessor. */
    private static void set(TypedArray a, long i, int v) {
        if (a instanceof DoubleArray) {
            ((DoubleArray) a).set(i, v);
        } else if (a instanceof FloatArray) {
            ((FloatArray) a).set(i, v);
        } else if (a instanceof LongArray) {
            ((LongArray) a).set(i, v);
        } else if (a instanceof IntArray) {
            ((IntArray) a).set(i, v);
        } else if (a instanceof ShortArray) {
            ((ShortArray) a).set(i, (short) v);
        } else {
            ((ByteArray) a).set(i, (byte) v);
        }
    }

    /** The element at mapping offset {@code at} as {@code a}'s dtype in {@code order}, read through the mapping. */
    private static double read(Mapping m, TypedArray a, long at, ByteOrder order) {
        switch (a.dtype()) {
            case FLOAT64: return m.getDouble(at, order);
            case FLOAT32: return m.getFloat(at, order);
            case FLOAT16: return org.jmmap.internal.Half.toFloat(m.getShort(at, order));
            case INT64: return m.getLong(at, order);
            case INT32: return m.getInt(at, order);
            case INT16: return m.getShort(at, order);
            default: return m.getByte(at);
        }
    }

    @Test
    void everyKindReadsAndWritesInItsByteOrder() throws IOException {
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            try (Mapping m = Mapping.anonymous(4096)) {
                for (TypedArray a : arrays(m, order == ByteOrder.LITTLE_ENDIAN ? "<" : ">")) {
                    long last = a.size() - 1;
                    for (long i : new long[] {0, 1, last}) {
                        set(a, i, (int) (i + 3));
                        assertEquals(i + 3, read(m, a, a.offset() + i * a.itemSize(), order), a.dtype() + " " + i);
                        assertEquals(i + 3, get(a, i), a.dtype() + " " + order + " " + i);
                    }
                    assertEquals(0, m.getLong(0), "nothing written before the array");
                    assertEquals(0, m.getLong(72), "nothing written after the array");
                    m.putBytes(8, new byte[64], 0, 64); // the next kind starts from zeros
                }
            }
        }
    }

    @Test
    void anIndexOutsideTheArrayNamesIndexAndSize() throws IOException {
        try (Mapping m = Mapping.anonymous(4096)) {
            for (TypedArray a : arrays(m, "<")) {
                get(a, 0); // the elements are cached: the checks below run on the cached path
                long size = a.size();
                for (long index : new long[] {size, -1, size + 1, 1L << 32, Long.MAX_VALUE, Long.MIN_VALUE}) {
                    for (Executable access : List.<Executable>of(() -> get(a, index), () -> set(a, index, 1))) {
                        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, access);
                        assertTrue(e.getMessage().contains(String.valueOf(index))
                                && e.getMessage().contains(String.valueOf(size)), e.getMessage());
                    }
                }
            }
            assertEquals(0, m.getLong(0) | m.getLong(72), "no write landed outside the arrays");
        }
    }

    @Test
    void accessAfterCloseThrowsInsteadOfReadingZeros() throws IOException {
        Path file = directory.resolve("closed.bin");
        Mapping m = Mapping.map(file, MapMode.READ_WRITE, 0, 4096);
        List<TypedArray> arrays = arrays(m, "<");
        for (TypedArray a : arrays) {
            set(a, 1, 7);
        }
        m.close();
        for (TypedArray a : arrays) {
            assertThrows(IllegalStateException.class, () -> get(a, 1), a.dtype().toString());
            assertThrows(IllegalStateException.class, () -> set(a, 1, 1), a.dtype().toString());
        }
    }

    @Test
    void resizeSmallerEndsTheElementsPastTheEnd() throws IOException {
        Path file = directory.resolve("shrunk.bin");
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE, 0, 4096)) {
            LongArray a = (LongArray) MappedArrays.view(m, 8, "<i8", 8);
            a.set(0, 5);
            a.set(7, 6);
            m.resize(40); // elements 0 to 3 are still mapped, 4 to 7 are not
            assertEquals(5, a.get(0));
            a.set(3, 9);
            assertEquals(9, m.getLong(32));
            assertThrows(IndexOutOfBoundsException.class, () -> a.get(7));
            assertThrows(IndexOutOfBoundsException.class, () -> a.set(4, 1));
            m.resize(4096); // back: the file kept its bytes up to 40 only
            assertEquals(9, a.get(3));
            assertEquals(0, a.get(7));
        }
    }

    @Test
    void resizeThatMovesTheMappingIsFollowed() throws IOException {
        try (Mapping m = Mapping.anonymous(4096)) {
            for (TypedArray a : arrays(m, "<")) {
                set(a, 2, 11);
            }
            long before = m.address();
            m.resize(64L << 20); // most likely moves; the assertions hold either way
            for (TypedArray a : arrays(m, "<")) {
                set(a, 2, 12);
                assertEquals(12, read(m, a, a.offset() + 2 * a.itemSize(), ByteOrder.LITTLE_ENDIAN),
                        "written into the live memory, not the old range (moved: " + (before != m.address()) + ")");
                assertEquals(12, get(a, 2));
            }
        }
    }

    @Test
    void aReadOnlyMappingRefusesWrites() throws IOException {
        Path file = directory.resolve("read-only.bin");
        Files.write(file, new byte[4096]);
        try (Mapping m = Mapping.map(file, MapMode.READ_ONLY)) {
            for (TypedArray a : arrays(m, "<")) {
                assertEquals(0, get(a, 3));
                assertThrows(ReadOnlyBufferException.class, () -> set(a, 3, 1), a.dtype().toString());
            }
        }
    }

    @Test
    void closeRacingWithElementLoopsAndTruncationNeverCrash() throws Exception {
        ChildJvm.assertRunsClean(Child.class, "close race: ok", "truncated: ok");
    }

    /** Loops of get and set (compiled by C2) racing with close, and over a file truncated underneath. */
    static final class Child {
        /**
         * Read once per pass of a loop: the volatile read makes each pass read the mapping's state afresh, as any
         * synchronization does (C2 may otherwise keep it in a register for ever, as documented).
         */
        static volatile boolean pass;

        public static void main(String[] args) throws Exception {
            ChildJvm.inTemporaryDirectory("jmmap-element-race-", directory -> {
                closeRace(directory.resolve("c.npy"));
                truncated(directory.resolve("t.npy"));
            });
        }

        static void fail(String message) {
            ChildJvm.fail(message);
        }

        /** Runs {@code loop} on two threads until a close, which must end them with the closed exception. */
        static void race(NpyFile npy, Consumer<LongArray> loop) throws Exception {
            LongArray a = npy.longs();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            Thread[] threads = new Thread[2];
            for (int t = 0; t < threads.length; t++) {
                threads[t] = new Thread(() -> {
                    try {
                        while (!pass) {
                            loop.accept(a);
                        }
                    } catch (IllegalStateException closed) {
                        // the documented outcome of an access after close
                    } catch (Throwable e) {
                        unexpected.set(e);
                    }
                });
                threads[t].start();
            }
            Thread.sleep(300); // long enough for C2 to compile the loops
            npy.close();
            for (Thread thread : threads) {
                thread.join(60_000);
                if (thread.isAlive() || unexpected.get() != null) {
                    fail("close race: " + (thread.isAlive() ? "a loop still running" : unexpected.get()));
                }
            }
        }

        static volatile long sink;

        /**
         * Runs {@code access}, which touches a page past the end of the file, and checks that it fails with
         * HotSpot's {@link InternalError} (raised asynchronously in compiled code: the allocations let a pending one
         * surface here).
         */
        static void expectFault(String what, Runnable access) {
            try {
                access.run();
                for (int i = 0; i < 1000; i++) {
                    sink += new byte[64].length;
                }
            } catch (InternalError expected) {
                return;
            }
            fail(what + ": no InternalError");
        }

        static void closeRace(Path file) throws Exception {
            NpyFile reads = NpyFile.create(file, DType.INT64, 1 << 20);
            reads.longs().fill(3);
            race(reads, a -> {
                long sum = 0;
                for (long i = 0; i < a.size(); i++) {
                    sum += a.get(i);
                }
                if (sum > 3L * a.size()) { // a racing read sees the elements or zeros, nothing else
                    throw new AssertionError("sum " + sum);
                }
            });
            NpyFile writes = NpyFile.open(file, MapMode.READ_WRITE);
            race(writes, a -> {
                for (int i = 0; i < a.size(); i++) {
                    a.set(i, i);
                }
            });
            System.out.println("close race: ok");
        }

        static void truncated(Path file) throws Exception {
            try (NpyFile npy = NpyFile.create(file, DType.INT64, 1 << 20)) {
                LongArray a = npy.longs();
                a.fill(1);
                long sum = 0;
                for (long i = 0; i < a.size(); i++) { // compiled before the file shrinks
                    sum += a.get(i);
                }
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                    raf.setLength(npy.header().dataOffset() + 8 * 1024); // 1024 elements left
                }
                if (a.get(1023) != 1) {
                    fail("an element still in the file reads " + a.get(1023));
                }
                long[] total = {sum};
                expectFault("a loop of get past the end of the file", () -> {
                    for (long i = 0; i < a.size(); i++) {
                        total[0] += a.get(i);
                    }
                });
                expectFault("set past the end of the file", () -> a.set(a.size() - 1, 2));
            }
            System.out.println("truncated: ok");
        }
    }
}
