package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The atomic and ordered accesses of {@link Mapping}: their return values, their atomicity under contention from
 * threads and from another process, the alignment they require (of the absolute address) and read-only mappings.
 */
class MappingAtomicsTest {

    private static final int THREADS = 4;
    private static final int PER_THREAD = 1_000_000;
    private static final long GIB = 1L << 30;

    @TempDir
    Path directory;

    private Path file(long length) throws IOException {
        Path file = Files.createTempFile(directory, "atomics", ".bin");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(length);
        }
        return file;
    }

    private static ByteBuffer readFile(Path file, long position, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer bytes = ByteBuffer.allocate(length);
            while (bytes.hasRemaining()) {
                if (channel.read(bytes, position + bytes.position()) < 0) {
                    throw new EOFException("position=" + position + " length=" + length);
                }
            }
            return bytes.flip().order(ByteOrder.nativeOrder());
        }
    }

    /** Runs {@code task(thread)} on {@link #THREADS} threads released together; rethrows the first failure. */
    private static <T> List<T> onThreads(ThreadTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit((Callable<T>) () -> {
                    start.await(30, TimeUnit.SECONDS);
                    return task.run(thread);
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(120, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface ThreadTask<T> {
        T run(int thread) throws Exception;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Single-threaded semantics

    /**
     * Each int atomic returns what its contract says (CAS success/failure, previous values, wrap-around on
     * overflow), stores in native order where plain access and the file see it, and touches only its 4 bytes.
     */
    @Test
    void intAtomicsReturnTheirDocumentedValues() throws IOException {
        Path file = file(4096);
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE)) {
            m.putLong(0, -1L);
            m.putLong(16, -1L);
            long at = 8;
            m.putInt(at, 0);
            m.putInt(at + 4, 0);

            assertTrue(m.compareAndSetInt(at, 0, 5));
            assertEquals(5, m.getInt(at));
            assertFalse(m.compareAndSetInt(at, 0, 7));
            assertEquals(5, m.getIntVolatile(at));
            assertTrue(m.compareAndSetInt(at, 5, -3));
            assertEquals(-3, m.getInt(at));

            assertEquals(-3, m.getAndAddInt(at, 10));
            assertEquals(7, m.getAndAddInt(at, -8));
            assertEquals(-1, m.getInt(at));
            m.putInt(at, Integer.MAX_VALUE);
            assertEquals(Integer.MAX_VALUE, m.getAndAddInt(at, 1));
            assertEquals(Integer.MIN_VALUE, m.getInt(at));

            assertEquals(Integer.MIN_VALUE, m.getAndSetInt(at, 0x12345678));
            assertEquals(0x12345678, m.getAndSetInt(at, 42));
            assertEquals(42, m.getIntAcquire(at));

            m.putIntRelease(at, 0x0A0B0C0D);
            assertEquals(0x0A0B0C0D, m.getIntAcquire(at));
            assertEquals(0x0A0B0C0D, m.getIntVolatile(at));
            m.putIntVolatile(at, 0x01020304);
            assertEquals(0x01020304, m.getIntVolatile(at));
            assertEquals(0x01020304, m.getInt(at));
            assertEquals(0x01020304, m.getInt(at, ByteOrder.nativeOrder()));

            // Nothing spilled into the neighbours.
            assertEquals(-1L, m.getLong(0));
            assertEquals(0, m.getInt(at + 4));
            assertEquals(-1L, m.getLong(16));

            m.sync();
            assertEquals(0x01020304, readFile(file, at, 4).getInt(0));
        }
    }

    /** The same for the long atomics, including values that do not fit in 32 bits. */
    @Test
    void longAtomicsReturnTheirDocumentedValues() throws IOException {
        Path file = file(4096);
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE)) {
            m.putLong(0, -1L);
            m.putLong(16, -1L);
            long at = 8;
            long big = 0x1_0000_0000L;

            assertTrue(m.compareAndSetLong(at, 0, big));
            assertEquals(big, m.getLong(at));
            assertFalse(m.compareAndSetLong(at, 0, 7));
            assertFalse(m.compareAndSetLong(at, big + 1, 7));
            assertEquals(big, m.getLongVolatile(at));
            assertTrue(m.compareAndSetLong(at, big, -3));

            assertEquals(-3, m.getAndAddLong(at, big));
            assertEquals(big - 3, m.getAndAddLong(at, -big));
            m.putLong(at, Long.MAX_VALUE);
            assertEquals(Long.MAX_VALUE, m.getAndAddLong(at, 1));
            assertEquals(Long.MIN_VALUE, m.getLong(at));

            assertEquals(Long.MIN_VALUE, m.getAndSetLong(at, 0x0123456789ABCDEFL));
            assertEquals(0x0123456789ABCDEFL, m.getAndSetLong(at, 42));
            assertEquals(42, m.getLongAcquire(at));

            m.putLongRelease(at, 0x0A0B0C0D0E0F1011L);
            assertEquals(0x0A0B0C0D0E0F1011L, m.getLongAcquire(at));
            m.putLongVolatile(at, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, m.getLongVolatile(at));
            assertEquals(0x1122334455667788L, m.getLong(at));

            assertEquals(-1L, m.getLong(0));
            assertEquals(-1L, m.getLong(16));

            m.sync();
            assertEquals(0x1122334455667788L, readFile(file, at, 8).getLong(0));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Contention between threads

    /**
     * 4 threads × 1e6 getAndAdd on one int and on one long: the totals are exact, and the previous values returned
     * are exactly 0 .. 4e6-1, each once (no two increments saw the same value).
     */
    @Test
    void getAndAddOnOneLocationFromManyThreadsIsExact() throws Exception {
        try (Mapping m = Mapping.map(file(4096), MapMode.READ_WRITE)) {
            List<int[]> seen = onThreads(thread -> {
                int[] previous = new int[PER_THREAD];
                for (int i = 0; i < PER_THREAD; i++) {
                    previous[i] = m.getAndAddInt(64, 1);
                    m.getAndAddLong(128, 3);
                }
                return previous;
            });
            assertEquals(THREADS * PER_THREAD, m.getIntVolatile(64));
            assertEquals(3L * THREADS * PER_THREAD, m.getLongVolatile(128));
            BitSet all = new BitSet(THREADS * PER_THREAD);
            for (int[] previous : seen) {
                for (int value : previous) {
                    assertTrue(value >= 0 && value < THREADS * PER_THREAD, "previous value " + value);
                    all.set(value);
                }
            }
            assertEquals(THREADS * PER_THREAD, all.cardinality());
        }
    }

    /**
     * 4 threads × 1e6 getAndAdd, each on its own int and long, adjacent to the others': each ends at exactly its
     * own count, and each thread saw its own counter go 0, 1, 2, ... (no interference between neighbours).
     */
    @Test
    void getAndAddOnAdjacentLocationsDoesNotInterfere() throws Exception {
        try (Mapping m = Mapping.map(file(4096), MapMode.READ_WRITE)) {
            onThreads(thread -> {
                for (int i = 0; i < PER_THREAD; i++) {
                    assertEquals(i, m.getAndAddInt(4L * thread, 1));
                    assertEquals((long) i << 32, m.getAndAddLong(64 + 8L * thread, 1L << 32));
                }
                return null;
            });
            for (int t = 0; t < THREADS; t++) {
                assertEquals(PER_THREAD, m.getInt(4L * t));
                assertEquals((long) PER_THREAD << 32, m.getLong(64 + 8L * t));
            }
        }
    }

    /**
     * Increment loops built from compareAndSet (int and long), 4 threads × 1e6 successful increments each: the
     * totals are exact, so no two CAS calls both succeeded from the same expected value.
     */
    @Test
    void compareAndSetIncrementLoopsAreExact() throws Exception {
        try (Mapping m = Mapping.map(file(4096), MapMode.READ_WRITE)) {
            List<Long> failures = onThreads(thread -> {
                long failed = 0;
                for (int i = 0; i < PER_THREAD; i++) {
                    while (true) {
                        int current = m.getIntVolatile(0);
                        if (m.compareAndSetInt(0, current, current + 1)) {
                            break;
                        }
                        failed++;
                    }
                    while (true) {
                        long current = m.getLongVolatile(8);
                        if (m.compareAndSetLong(8, current, current + 0x1_0000_0001L)) {
                            break;
                        }
                        failed++;
                    }
                }
                return failed;
            });
            assertEquals(THREADS * PER_THREAD, m.getInt(0));
            assertEquals(THREADS * PER_THREAD * 0x1_0000_0001L, m.getLong(8));
            assertEquals(THREADS, failures.size());
        }
    }

    /**
     * getAndSet from 4 threads, each swapping in its own distinct values: every value put in comes out exactly once
     * (returned by a later swap, or left at the end), and nothing else comes out.
     */
    @Test
    void getAndSetFromManyThreadsLosesNothing() throws Exception {
        int perThread = 250_000;
        try (Mapping m = Mapping.map(file(4096), MapMode.READ_WRITE)) {
            m.putIntVolatile(0, -1);
            m.putLongVolatile(8, -1);
            List<long[]> returned = onThreads(thread -> {
                long[] previous = new long[2 * perThread];
                for (int i = 0; i < perThread; i++) {
                    int value = thread * perThread + i;
                    previous[2 * i] = m.getAndSetInt(0, value);
                    previous[2 * i + 1] = m.getAndSetLong(8, ((long) value << 32) | value);
                }
                return previous;
            });
            BitSet ints = new BitSet();
            BitSet longs = new BitSet();
            int intMinusOne = 0;
            int longMinusOne = 0;
            for (long[] previous : returned) {
                for (int i = 0; i < previous.length; i += 2) {
                    if (previous[i] == -1) {
                        intMinusOne++;
                    } else {
                        assertFalse(ints.get((int) previous[i]), "int value returned twice: " + previous[i]);
                        ints.set((int) previous[i]);
                    }
                    if (previous[i + 1] == -1) {
                        longMinusOne++;
                    } else {
                        int value = (int) previous[i + 1];
                        assertEquals(((long) value << 32) | value, previous[i + 1]);
                        assertFalse(longs.get(value), "long value returned twice: " + previous[i + 1]);
                        longs.set(value);
                    }
                }
            }
            assertEquals(1, intMinusOne);
            assertEquals(1, longMinusOne);
            int lastInt = m.getIntVolatile(0);
            long lastLong = m.getLongVolatile(8);
            assertFalse(ints.get(lastInt));
            assertFalse(longs.get((int) lastLong));
            ints.set(lastInt);
            longs.set((int) lastLong);
            assertEquals(THREADS * perThread, ints.cardinality());
            assertEquals(THREADS * perThread, longs.cardinality());
            assertEquals(THREADS * perThread, ints.nextClearBit(0));
            assertEquals(THREADS * perThread, longs.nextClearBit(0));
        }
    }

    /**
     * Message passing: a writer fills a payload with plain writes and publishes a sequence number with
     * putIntRelease (then putLongVolatile); a reader that sees the number with getIntAcquire (getLongVolatile)
     * must see the whole payload of that round, never a stale or half-written one.
     */
    @Test
    void releaseAcquireAndVolatilePublishThePayload() throws Exception {
        int rounds = 10_000;
        try (Mapping m = Mapping.map(file(4096), MapMode.READ_WRITE)) {
            long flag = 0;
            long acknowledged = 8;
            long volatileFlag = 16;
            long payload = 64;
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> writer = pool.submit(() -> {
                    for (int round = 1; round <= rounds; round++) {
                        for (int i = 0; i < 8; i++) {
                            m.putLong(payload + 8L * i, round * 31L + i);
                        }
                        if (round % 2 == 0) {
                            m.putIntRelease(flag, round);
                        } else {
                            m.putLongVolatile(volatileFlag, round);
                        }
                        for (int spins = 0; m.getIntAcquire(acknowledged) != round; spins++) {
                            spinWait(spins);
                        }
                    }
                    return null;
                });
                Future<?> reader = pool.submit(() -> {
                    for (int round = 1; round <= rounds; round++) {
                        if (round % 2 == 0) {
                            for (int spins = 0; m.getIntAcquire(flag) != round; spins++) {
                                spinWait(spins);
                            }
                        } else {
                            for (int spins = 0; m.getLongVolatile(volatileFlag) != round; spins++) {
                                spinWait(spins);
                            }
                        }
                        for (int i = 0; i < 8; i++) {
                            assertEquals(round * 31L + i, m.getLong(payload + 8L * i), "round " + round);
                        }
                        m.putIntRelease(acknowledged, round);
                    }
                    return null;
                });
                reader.get(120, TimeUnit.SECONDS); // first: if it fails, the writer waits for it forever
                writer.get(120, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * A spin-loop pause that yields the processor after a while (the other side may not be running: there may be
     * fewer cores than busy threads) and gives up once the test has ended (the pool interrupts its threads).
     */
    private static void spinWait(int spins) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (spins < 100) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Across the 2 GiB boundary

    /**
     * In a sparse 3 GiB mapping, atomics on the last aligned int and long before 2 GiB (the end of the second
     * window, just before its 8-byte overlap with the third) and on aligned ones just after it work, land at the
     * right file positions in native order without touching their neighbours, and stay exact when 4 threads
     * hammer the locations on both sides of the boundary at once.
     */
    @Test
    void atomicsAcrossTheTwoGiBBoundary() throws Exception {
        Path file = file(3 * GIB);
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE)) {
            long beforeInt = 2 * GIB - 12;
            long before = 2 * GIB - 8;
            long after = 2 * GIB;
            long afterInt = 2 * GIB + 12;
            m.putLong(2 * GIB - 24, -1);
            m.putLong(2 * GIB + 16, -1);

            assertTrue(m.compareAndSetLong(before, 0, 0x0102030405060708L));
            assertEquals(0x0102030405060708L, m.getAndAddLong(before, 1));
            assertTrue(m.compareAndSetLong(after, 0, 0x1112131415161718L));
            assertEquals(0x1112131415161718L, m.getAndSetLong(after, 0x2122232425262728L));
            assertTrue(m.compareAndSetInt(afterInt, 0, 0x31323334));
            assertEquals(0x31323334, m.getAndAddInt(afterInt, 1));
            m.putIntRelease(beforeInt, 0x41424344);
            assertEquals(0x41424344, m.getIntAcquire(beforeInt));
            assertEquals(0x41424344, m.getAndSetInt(beforeInt, 0x51525354));
            assertEquals(0x51525354, m.getIntVolatile(beforeInt));
            m.putIntRelease(after + 8, 0); // the gap between `after` and `afterInt` ...
            m.putIntVolatile(after + 8, 0); // ... stays zero
            m.putLongRelease(2 * GIB + 24, 0x0A0B0C0D0E0F1011L); // past the guard
            assertEquals(0x0A0B0C0D0E0F1011L, m.getLongVolatile(2 * GIB + 24));
            assertEquals(0x0102030405060709L, m.getLongAcquire(before));

            m.sync();
            ByteBuffer inFile = readFile(file, 2 * GIB - 24, 56);
            assertEquals(-1L, inFile.getLong(0));
            assertEquals(0, inFile.getInt(8));
            assertEquals(0x51525354, inFile.getInt(12));
            assertEquals(0x0102030405060709L, inFile.getLong(16));
            assertEquals(0x2122232425262728L, inFile.getLong(24));
            assertEquals(0, inFile.getInt(32));
            assertEquals(0x31323335, inFile.getInt(36));
            assertEquals(-1L, inFile.getLong(40));
            assertEquals(0x0A0B0C0D0E0F1011L, inFile.getLong(48));

            m.putLong(before, 0);
            m.putLong(after, 0);
            onThreads(thread -> {
                for (int i = 0; i < PER_THREAD / 4; i++) {
                    m.getAndAddLong(before, 1);
                    m.getAndAddLong(after, 2);
                    int current;
                    do {
                        current = m.getIntVolatile(afterInt);
                    } while (!m.compareAndSetInt(afterInt, current, current + 1));
                }
                return null;
            });
            assertEquals((long) THREADS * (PER_THREAD / 4), m.getLongVolatile(before));
            assertEquals(2L * THREADS * (PER_THREAD / 4), m.getLongVolatile(after));
            assertEquals(0x31323335 + THREADS * (PER_THREAD / 4), m.getIntVolatile(afterInt));
            assertEquals(0x51525354, m.getInt(beforeInt));
            assertEquals(-1L, m.getLong(2 * GIB - 24));
            assertEquals(-1L, m.getLong(2 * GIB + 16));
            // Seen through a view spanning the boundary, in native order.
            ByteBuffer view = m.asByteBuffer(before, 16).order(ByteOrder.nativeOrder());
            assertEquals((long) THREADS * (PER_THREAD / 4), view.getLong(0));
            assertEquals(2L * THREADS * (PER_THREAD / 4), view.getLong(8));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Alignment, bounds and read-only mappings

    /** Every atomic method, with the size of the value it accesses. */
    private static Map<String, Consumer<Long>> atomics(Mapping m) {
        return Map.ofEntries(
                Map.entry("getIntVolatile", o -> m.getIntVolatile(o)),
                Map.entry("putIntVolatile", o -> m.putIntVolatile(o, 1)),
                Map.entry("getIntAcquire", o -> m.getIntAcquire(o)),
                Map.entry("putIntRelease", o -> m.putIntRelease(o, 1)),
                Map.entry("compareAndSetInt", o -> m.compareAndSetInt(o, 0, 1)),
                Map.entry("getAndAddInt", o -> m.getAndAddInt(o, 1)),
                Map.entry("getAndSetInt", o -> m.getAndSetInt(o, 1)),
                Map.entry("getLongVolatile", o -> m.getLongVolatile(o)),
                Map.entry("putLongVolatile", o -> m.putLongVolatile(o, 1)),
                Map.entry("getLongAcquire", o -> m.getLongAcquire(o)),
                Map.entry("putLongRelease", o -> m.putLongRelease(o, 1)),
                Map.entry("compareAndSetLong", o -> m.compareAndSetLong(o, 0, 1)),
                Map.entry("getAndAddLong", o -> m.getAndAddLong(o, 1)),
                Map.entry("getAndSetLong", o -> m.getAndSetLong(o, 1)));
    }

    private static int sizeOf(String atomic) {
        return atomic.contains("Int") ? Integer.BYTES : Long.BYTES;
    }

    /**
     * Every atomic method rejects an offset that is not naturally aligned with IllegalArgumentException (naming
     * the offset) without touching memory, accepts every aligned one, and rejects out-of-bounds offsets with
     * IndexOutOfBoundsException.
     */
    @Test
    void misalignedAndOutOfBoundsOffsetsAreRejected() throws IOException {
        try (Mapping m = Mapping.map(file(4096), MapMode.READ_WRITE)) {
            assertEquals(0, m.address() % Mapping.pageSize());
            byte[] before = new byte[4096];
            new Random(1).nextBytes(before);
            m.putBytes(0, before, 0, before.length);
            for (Map.Entry<String, Consumer<Long>> atomic : atomics(m).entrySet()) {
                int size = sizeOf(atomic.getKey());
                for (long offset = 64; offset < 64 + 2 * size; offset++) {
                    long o = offset;
                    if (offset % size != 0) {
                        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                () -> atomic.getValue().accept(o), atomic.getKey() + " offset=" + o);
                        assertTrue(e.getMessage().contains("offset=" + o), e.getMessage());
                    }
                }
                assertThrows(IndexOutOfBoundsException.class, () -> atomic.getValue().accept(4096L), atomic.getKey());
                assertThrows(IndexOutOfBoundsException.class, () -> atomic.getValue().accept(-8L), atomic.getKey());
                assertThrows(IndexOutOfBoundsException.class,
                        () -> atomic.getValue().accept(Long.MIN_VALUE), atomic.getKey());
            }
            byte[] after = new byte[4096];
            m.getBytes(0, after, 0, after.length);
            assertArrayEquals(before, after, "a rejected atomic wrote to memory");

            for (Map.Entry<String, Consumer<Long>> atomic : atomics(m).entrySet()) {
                int size = sizeOf(atomic.getKey());
                atomic.getValue().accept(4096L - size); // the last aligned location
                atomic.getValue().accept(0L);
            }
        }
    }

    /**
     * Alignment is of the absolute address: mapped at file offset 3, the mapping's byte 0 sits 3 bytes into a
     * page, so offset 5 is 8-byte aligned (file byte 8) and offset 0 is not; offset 1 is 4-byte aligned.
     */
    @Test
    void alignmentIsOfTheAbsoluteAddress() throws IOException {
        Path file = file(8192);
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE, 3, 4096)) {
            assertEquals(3, m.address() % Mapping.pageSize());
            assertTrue(m.compareAndSetLong(5, 0, 0x0102030405060708L));
            assertEquals(0x0102030405060708L, m.getAndAddLong(5, 1));
            assertEquals(0x0102030405060709L, m.getLongVolatile(5));
            assertEquals(0, m.getAndAddInt(1, 7));
            assertEquals(7, m.getIntAcquire(1));
            m.putLongRelease(4096 - 3 - 8, 99); // file byte 4088
            assertThrows(IllegalArgumentException.class, () -> m.compareAndSetLong(0, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> m.getLongVolatile(8));
            assertThrows(IllegalArgumentException.class, () -> m.getAndAddInt(0, 1));
            assertThrows(IllegalArgumentException.class, () -> m.getIntVolatile(4));
            m.sync();
            assertEquals(0x0102030405060709L, readFile(file, 8, 8).getLong(0));
            assertEquals(7, readFile(file, 4, 4).getInt(0));
            assertEquals(99, readFile(file, 4088, 8).getLong(0));
        }
        // The same rule for any sub-page offset: the first aligned mapping offset is (8 - offset % 8) % 8.
        for (long fileOffset = 1; fileOffset < 8; fileOffset++) {
            try (Mapping m = Mapping.map(file, MapMode.READ_WRITE, 4096 + fileOffset, 64)) {
                long aligned = (8 - fileOffset % 8) % 8;
                m.getAndAddLong(aligned, 1);
                assertThrows(IllegalArgumentException.class, () -> m.getAndAddLong(aligned + 1, 1));
                assertThrows(IllegalArgumentException.class, () -> m.getAndAddLong((aligned + 7) % 8, 1));
            }
        }
    }

    /**
     * On a READ_ONLY mapping every writing atomic throws ReadOnlyBufferException and leaves memory and file as they
     * were; the reading ones work.
     */
    @Test
    void writingAtomicsOnAReadOnlyMappingThrow() throws IOException {
        Path file = file(4096);
        byte[] content = new byte[4096];
        new Random(2).nextBytes(content);
        Files.write(file, content);
        try (Mapping m = Mapping.map(file, MapMode.READ_ONLY)) {
            ByteBuffer expected = ByteBuffer.wrap(content).order(ByteOrder.nativeOrder());
            for (Map.Entry<String, Consumer<Long>> atomic : atomics(m).entrySet()) {
                String name = atomic.getKey();
                if (name.startsWith("get") && !name.startsWith("getAnd")) {
                    atomic.getValue().accept(64L);
                    continue;
                }
                for (long offset : new long[] {0, 64, 4096 - 8}) {
                    assertThrows(ReadOnlyBufferException.class, () -> atomic.getValue().accept(offset), name);
                }
            }
            assertEquals(expected.getInt(64), m.getIntVolatile(64));
            assertEquals(expected.getInt(64), m.getIntAcquire(64));
            assertEquals(expected.getLong(64), m.getLongVolatile(64));
            assertEquals(expected.getLong(64), m.getLongAcquire(64));
            byte[] after = new byte[4096];
            m.getBytes(0, after, 0, after.length);
            assertArrayEquals(content, after);
        }
        assertArrayEquals(content, Files.readAllBytes(file));
    }

    /** After close, atomics throw IllegalStateException rather than touching the unmapped range. */
    @Test
    void atomicsAfterCloseThrow() throws IOException {
        Mapping m = Mapping.map(file(4096), MapMode.READ_WRITE);
        m.close();
        for (Map.Entry<String, Consumer<Long>> atomic : atomics(m).entrySet()) {
            assertThrows(IllegalStateException.class, () -> atomic.getValue().accept(0L), atomic.getKey());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Across processes

    private static final long READY = 0;
    private static final long GO = 8;
    private static final long COUNTER = 64;
    private static final int CROSS_PROCESS_INCREMENTS = 100_000;

    /**
     * A child JVM and this one map the same file READ_WRITE and, released together, each getAndAddLong the same
     * counter 1e5 times: the total is exactly 2e5, in memory and in the file.
     */
    @Test
    void getAndAddIsAtomicAcrossProcesses() throws Exception {
        Path file = file(4096);
        Path output = Files.createTempFile(directory, "child", ".out");
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE)) {
            Process child = ChildJvm.of(CounterChild.class, file.toString(), Integer.toString(CROSS_PROCESS_INCREMENTS))
                    .start(output);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (m.getLongVolatile(READY) == 0) {
                    assertTrue(child.isAlive(), () -> "child exited early: " + read(output));
                    assertTrue(System.nanoTime() < deadline, () -> "child never got ready: " + read(output));
                    Thread.sleep(1);
                }
                m.putLongVolatile(GO, 1);
                long lastSeen = -1;
                for (int i = 0; i < CROSS_PROCESS_INCREMENTS; i++) {
                    long previous = m.getAndAddLong(COUNTER, 1);
                    assertTrue(previous > lastSeen, "the counter went backwards");
                    lastSeen = previous;
                }
                assertTrue(child.waitFor(120, TimeUnit.SECONDS), () -> "child timed out: " + read(output));
                assertEquals(0, child.exitValue(), () -> read(output));
            } finally {
                child.destroyForcibly();
            }
            assertEquals(2L * CROSS_PROCESS_INCREMENTS, m.getLongVolatile(COUNTER));
            assertNotEquals(0, m.getLongVolatile(READY));
        }
        assertEquals(2L * CROSS_PROCESS_INCREMENTS, readFile(file, COUNTER, 8).getLong(0));
    }

    private static String read(Path output) {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    /** The child of {@link #getAndAddIsAtomicAcrossProcesses}: args are the file and the number of increments. */
    public static final class CounterChild {
        public static void main(String[] args) throws Exception {
            int increments = Integer.parseInt(args[1]);
            try (Mapping m = Mapping.map(Paths.get(args[0]), MapMode.READ_WRITE)) {
                m.putLongVolatile(READY, 1);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (m.getLongVolatile(GO) == 0) {
                    if (System.nanoTime() > deadline) {
                        System.err.println("never released");
                        System.exit(3);
                    }
                    Thread.onSpinWait();
                }
                for (int i = 0; i < increments; i++) {
                    m.getAndAddLong(COUNTER, 1);
                }
            }
        }
    }

    /** Long.MIN_VALUE is an ordinary value for the long read-modify-write atomics of a file mapping. */
    @Test
    void longMinValueIsAnOrdinaryPreviousValue() throws IOException {
        try (Mapping m = Mapping.map(file(4096), MapMode.READ_WRITE)) {
            m.putLongVolatile(8, Long.MIN_VALUE);
            assertEquals(Long.MIN_VALUE, m.getAndAddLong(8, 1));
            assertEquals(Long.MIN_VALUE + 1, m.getAndSetLong(8, Long.MIN_VALUE));
            assertEquals(Long.MIN_VALUE, m.getAndSetLong(8, 5));
            assertEquals(5, m.getLongVolatile(8));
            m.putIntVolatile(0, Integer.MIN_VALUE);
            assertEquals(Integer.MIN_VALUE, m.getAndAddInt(0, -1));
            assertEquals(Integer.MAX_VALUE, m.getAndSetInt(0, 0));
        }
    }
}
