package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which element access path is active (direct {@code ByteBuffer}s on JDK 17 to 21, an FFM {@code MemorySegment} on
 * JDK 22+ from the multi-release jar), and the lifetime rules that path must keep: a view pins the address range
 * after close, and the range is released once nothing reaches it.
 */
class MappingAccessPathTest {

    @TempDir
    Path directory;

    /**
     * JDK 22+ runs the versioned class. On a JDK 22+ this fails if the tests were run against target/classes, where
     * the JVM does not see META-INF/versions: the pom points surefire at the merged classes-jdk22 directory.
     */
    @Test
    void pathMatchesTheJdk() {
        String expected = Runtime.version().feature() >= 22 ? "MemorySegment" : "ByteBuffer";
        assertEquals(expected, Memory.kind(), "element access path on JDK " + Runtime.version());
    }

    /** Offsets past 2 GiB reach the same memory as an int-sized view, on either path. */
    @Test
    void longOffsetsBeyondTwoGigabytes() throws Exception {
        long length = (3L << 30) + 4096;
        try (Mapping m = Mapping.anonymous(length, MapOption.NORESERVE)) {
            long offset = (2L << 30) + 12;
            m.putLong(offset, 0x0102030405060708L);
            assertEquals(0x0102030405060708L, m.getLong(offset));
            ByteBuffer view = m.asByteBuffer(offset - 4, 16).order(ByteOrder.nativeOrder());
            assertEquals(0x0102030405060708L, view.getLong(4));
            long aligned = length - 16 - ((m.address() + length) & 7);
            assertTrue(m.compareAndSetLong(aligned, 0, 5));
            assertEquals(5, m.getLongVolatile(aligned));
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> m.getLong(length - 7));
            assertTrue(e.getMessage().contains("length=" + length), e.getMessage());
        }
    }

    /** A READ_ONLY mapping refuses plain writes with ReadOnlyBufferException on either path. */
    @Test
    void readOnlyWritesThrowReadOnlyBufferException() throws Exception {
        Path file = Files.write(directory.resolve("ro.bin"), new byte[4096]);
        try (Mapping m = Mapping.map(file, MapMode.READ_ONLY)) {
            assertThrows(ReadOnlyBufferException.class, () -> m.putLong(8, 1));
            assertThrows(ReadOnlyBufferException.class, () -> m.putByte(0, (byte) 1));
            assertThrows(ReadOnlyBufferException.class, () -> m.asByteBuffer(0, 16).putInt(0, 1));
            assertEquals(0, m.getLong(8));
        }
    }

    /**
     * A view taken before close keeps the tombstoned range mapped however many collections run, reads zeros, and
     * once dropped lets the range be released.
     */
    @Test
    void viewPinsTheRangeAfterCloseAndReleasesItWhenDropped() throws Exception {
        assertTrue(collectUntil(() -> Region.pendingTombstones() == 0), "tombstones left by earlier tests");
        Mapping m = Mapping.anonymous(1 << 20);
        m.putLong(4096, 42);
        ByteBuffer view = m.asByteBuffer(4096, 8).order(ByteOrder.nativeOrder());
        assertEquals(42, view.getLong(0));
        m.close();
        m = null;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(1, Region.pendingTombstones(), "the view's range was released while the view is reachable");
        assertEquals(0, view.getLong(0), "a stale view reads the tombstone's zeros");
        view.putLong(0, 7); // goes nowhere harmful
        Reference.reachabilityFence(view);
        view = null;
        assertTrue(collectUntil(() -> Region.pendingTombstones() == 0), "the range was not released after the view");
    }

    private static boolean collectUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            System.gc();
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
