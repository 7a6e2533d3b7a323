package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Element and bulk access, views and the closed state of {@link Mapping}, on files and anonymous memory. */
class MappingAccessTest {

    private static final ByteOrder[] ORDERS = {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN};

    @TempDir
    Path directory;

    private Path file(int length) throws IOException {
        Path file = Files.createTempFile(directory, "access", ".bin");
        byte[] content = new byte[length];
        new Random(length).nextBytes(content);
        Files.write(file, content);
        return file;
    }

    enum Kind { FILE, ANONYMOUS }

    private Mapping writable(Kind kind, int length) throws IOException {
        return kind == Kind.FILE ? Mapping.map(file(length), MapMode.READ_WRITE) : Mapping.anonymous(length);
    }

    /** Every type round-trips in native order, and lands in memory as a native-order ByteBuffer would put it. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void nativeOrderRoundTrips(Kind kind) throws IOException {
        try (Mapping m = writable(kind, 4096)) {
            for (long offset : new long[] {0, 1, 7, 4093 - 8, 4096 - 8}) {
                m.putByte(offset, (byte) -7);
                assertEquals((byte) -7, m.getByte(offset));
                m.putShort(offset, (short) 0x1234);
                assertEquals((short) 0x1234, m.getShort(offset));
                m.putInt(offset, 0x89ABCDEF);
                assertEquals(0x89ABCDEF, m.getInt(offset));
                m.putLong(offset, 0x0123456789ABCDEFL);
                assertEquals(0x0123456789ABCDEFL, m.getLong(offset));
                m.putFloat(offset, -1.5e-3f);
                assertEquals(-1.5e-3f, m.getFloat(offset));
                m.putDouble(offset, Math.PI);
                assertEquals(Math.PI, m.getDouble(offset));
                m.putDouble(offset, Double.NaN);
                assertTrue(Double.isNaN(m.getDouble(offset)));
            }
            m.putLong(16, 0x0102030405060708L);
            ByteBuffer expected = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, 0x0102030405060708L);
            for (int i = 0; i < 8; i++) {
                assertEquals(expected.get(i), m.getByte(16 + i));
            }
        }
    }

    /** The explicit-order overloads lay bytes out in the order asked for and read them back. */
    @Test
    void explicitOrderRoundTrips() throws IOException {
        try (Mapping m = Mapping.anonymous(64)) {
            for (ByteOrder order : ORDERS) {
                ByteBuffer reference = ByteBuffer.allocate(8).order(order);
                m.putShort(3, (short) 0xA1B2, order);
                assertEquals((short) 0xA1B2, m.getShort(3, order));
                reference.putShort(0, (short) 0xA1B2);
                assertBytes(reference, m, 3, 2);
                m.putInt(3, 0xA1B2C3D4, order);
                assertEquals(0xA1B2C3D4, m.getInt(3, order));
                reference.putInt(0, 0xA1B2C3D4);
                assertBytes(reference, m, 3, 4);
                m.putLong(3, 0xA1B2C3D4E5F60718L, order);
                assertEquals(0xA1B2C3D4E5F60718L, m.getLong(3, order));
                reference.putLong(0, 0xA1B2C3D4E5F60718L);
                assertBytes(reference, m, 3, 8);
                m.putFloat(3, 3.25f, order);
                assertEquals(3.25f, m.getFloat(3, order));
                reference.putFloat(0, 3.25f);
                assertBytes(reference, m, 3, 4);
                m.putDouble(3, -2.5e300, order);
                assertEquals(-2.5e300, m.getDouble(3, order));
                reference.putDouble(0, -2.5e300);
                assertBytes(reference, m, 3, 8);
            }
            m.putInt(0, 1, ByteOrder.BIG_ENDIAN);
            assertEquals(1 << 24, m.getInt(0, ByteOrder.LITTLE_ENDIAN));
            assertThrows(NullPointerException.class, () -> m.getInt(0, null));
            assertThrows(NullPointerException.class, () -> m.putLong(0, 1, null));
            assertThrows(NullPointerException.class, () -> m.getDouble(0, null));
        }
    }

    private static void assertBytes(ByteBuffer reference, Mapping m, long offset, int count) {
        for (int i = 0; i < count; i++) {
            assertEquals(reference.get(i), m.getByte(offset + i), "byte " + i);
        }
    }

    /** Every element access out of bounds throws IndexOutOfBoundsException, including the last partial element. */
    @Test
    void elementBounds() throws IOException {
        try (Mapping m = Mapping.anonymous(100)) {
            long[] bad = {-1, 100, Long.MIN_VALUE, Long.MAX_VALUE};
            for (long offset : bad) {
                assertThrows(IndexOutOfBoundsException.class, () -> m.getByte(offset));
                assertThrows(IndexOutOfBoundsException.class, () -> m.putByte(offset, (byte) 1));
            }
            assertThrows(IndexOutOfBoundsException.class, () -> m.getShort(99));
            assertThrows(IndexOutOfBoundsException.class, () -> m.getInt(97));
            assertThrows(IndexOutOfBoundsException.class, () -> m.putInt(97, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> m.getLong(93));
            assertThrows(IndexOutOfBoundsException.class, () -> m.putLong(93, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> m.getDouble(93, ByteOrder.BIG_ENDIAN));
            assertThrows(IndexOutOfBoundsException.class, () -> m.getFloat(-4));
            assertDoesNotThrow(() -> m.getLong(92));
            assertDoesNotThrow(() -> m.getByte(99));
        }
    }

    /** A mapping at a file offset that is not page aligned starts exactly at that byte of the file. */
    @Test
    void unalignedFileOffset() throws IOException {
        Path file = file(3 * Mapping.pageSize() + 100);
        byte[] content = Files.readAllBytes(file);
        long offset = Mapping.pageSize() + 77;
        try (Mapping m = Mapping.map(file, MapMode.READ_ONLY, offset, 1000)) {
            assertEquals(1000, m.length());
            for (int i = 0; i < 1000; i++) {
                assertEquals(content[(int) offset + i], m.getByte(i));
            }
            assertThrows(IndexOutOfBoundsException.class, () -> m.getByte(1000));
        }
    }

    /** Byte-array bulk copies, across arbitrary offsets, with every argument checked. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void arrayBulkCopies(Kind kind) throws IOException {
        try (Mapping m = writable(kind, 10_000)) {
            byte[] source = new byte[5000];
            new Random(1).nextBytes(source);
            m.putBytes(1234, source, 100, 4000);
            byte[] back = new byte[4010];
            m.getBytes(1234, back, 10, 4000);
            assertArrayEquals(Arrays.copyOfRange(source, 100, 4100), Arrays.copyOfRange(back, 10, 4010));
            assertEquals(source[100], m.getByte(1234));

            m.getBytes(0, back, 0, 0); // empty copies are fine anywhere in bounds
            m.putBytes(10_000, source, 0, 0);
            assertThrows(IndexOutOfBoundsException.class, () -> m.getBytes(9_000, back, 0, 1001));
            assertThrows(IndexOutOfBoundsException.class, () -> m.getBytes(-1, back, 0, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> m.getBytes(0, back, 4000, 11));
            assertThrows(IndexOutOfBoundsException.class, () -> m.getBytes(0, back, -1, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> m.putBytes(9_999, source, 0, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> m.putBytes(0, source, 4999, 2));
            assertThrows(NullPointerException.class, () -> m.getBytes(0, null, 0, 1));
        }
    }

    /** ByteBuffer bulk copies: heap, direct and read-only sources; positions advance; read-only targets refused. */
    @Test
    void bufferBulkCopies() throws IOException {
        try (Mapping m = Mapping.anonymous(8192)) {
            byte[] data = new byte[300];
            new Random(2).nextBytes(data);
            List<ByteBuffer> sources = new ArrayList<>();
            sources.add(ByteBuffer.wrap(data.clone()));
            ByteBuffer direct = ByteBuffer.allocateDirect(300);
            direct.put(data).flip();
            sources.add(direct);
            sources.add(ByteBuffer.wrap(data.clone()).asReadOnlyBuffer());
            sources.add(ByteBuffer.wrap(new byte[400], 50, 300).slice().put(data).flip()); // array offset != 0
            for (ByteBuffer source : sources) {
                m.fill(0, 8192, (byte) 0);
                source.position(20);
                m.putBytes(500, source);
                assertEquals(300, source.position());
                for (int i = 0; i < 280; i++) {
                    assertEquals(data[20 + i], m.getByte(500 + i));
                }
                assertEquals(0, m.getByte(499));
                assertEquals(0, m.getByte(780));
            }
            for (ByteBuffer destination : new ByteBuffer[] {ByteBuffer.allocate(290), ByteBuffer.allocateDirect(290),
                    ByteBuffer.wrap(new byte[400], 100, 290).slice()}) {
                destination.position(10);
                m.getBytes(500, destination);
                assertEquals(290, destination.position());
                for (int i = 0; i < 280; i++) {
                    assertEquals(data[20 + i], destination.get(10 + i));
                }
            }
            assertThrows(ReadOnlyBufferException.class, () -> m.getBytes(0, ByteBuffer.allocate(4).asReadOnlyBuffer()));
            assertThrows(IndexOutOfBoundsException.class, () -> m.getBytes(8190, ByteBuffer.allocate(4)));
            assertThrows(IndexOutOfBoundsException.class, () -> m.putBytes(8190, ByteBuffer.allocate(4)));
            ByteBuffer untouched = ByteBuffer.allocate(4);
            assertThrows(IndexOutOfBoundsException.class, () -> m.putBytes(8190, untouched));
            assertEquals(0, untouched.position());
        }
    }

    /** copy() is memmove: overlapping ranges in both directions give the same result as a copy through a buffer. */
    @Test
    void overlappingCopies() throws IOException {
        try (Mapping m = Mapping.anonymous(4096)) {
            int[][] cases = {{0, 10, 1000}, {10, 0, 1000}, {100, 101, 3000}, {101, 100, 3000}, {5, 5, 50}, {0, 4000, 96}};
            for (int[] c : cases) {
                byte[] expected = new byte[4096];
                new Random(c[0] * 31 + c[1]).nextBytes(expected);
                m.putBytes(0, expected, 0, 4096);
                System.arraycopy(expected.clone(), c[0], expected, c[1], c[2]);
                m.copy(c[0], c[1], c[2]);
                byte[] actual = new byte[4096];
                m.getBytes(0, actual, 0, 4096);
                assertArrayEquals(expected, actual, Arrays.toString(c));
            }
            assertThrows(IndexOutOfBoundsException.class, () -> m.copy(0, 4000, 97));
            assertThrows(IndexOutOfBoundsException.class, () -> m.copy(4000, 0, 97));
            assertThrows(IndexOutOfBoundsException.class, () -> m.copy(0, 0, -1));
        }
    }

    /** fill() sets exactly the range. */
    @Test
    void fillSetsExactlyTheRange() throws IOException {
        try (Mapping m = Mapping.anonymous(3000)) {
            m.fill(100, 2000, (byte) 0x5A);
            assertEquals(0, m.getByte(99));
            assertEquals(0x5A, m.getByte(100));
            assertEquals(0x5A, m.getByte(2099));
            assertEquals(0, m.getByte(2100));
            m.fill(0, 0, (byte) 1);
            assertEquals(0, m.getByte(0));
            assertThrows(IndexOutOfBoundsException.class, () -> m.fill(2999, 2, (byte) 1));
        }
    }

    /** indexOf/lastIndexOf find needles only entirely within [from, to), agree with a naive search, and check bounds. */
    @Test
    void search() throws IOException {
        try (Mapping m = Mapping.anonymous(10_000)) {
            byte[] content = new byte[10_000];
            Random random = new Random(3);
            for (int i = 0; i < content.length; i++) {
                content[i] = (byte) ('a' + random.nextInt(3));
            }
            m.putBytes(0, content, 0, content.length);
            for (int round = 0; round < 300; round++) {
                byte[] needle = new byte[1 + random.nextInt(6)];
                for (int i = 0; i < needle.length; i++) {
                    needle[i] = (byte) ('a' + random.nextInt(3));
                }
                int from = random.nextInt(10_000);
                int to = from + random.nextInt(10_000 - from + 1);
                assertEquals(naiveIndexOf(content, needle, from, to), m.indexOf(needle, from, to));
                assertEquals(naiveLastIndexOf(content, needle, from, to), m.lastIndexOf(needle, from, to));
            }
            byte[] absent = "zz".getBytes();
            assertEquals(-1, m.indexOf(absent, 0, 10_000));
            assertEquals(-1, m.lastIndexOf(absent, 0, 10_000));
            assertEquals(17, m.indexOf(new byte[0], 17, 100));
            assertEquals(100, m.lastIndexOf(new byte[0], 17, 100));
            byte[] needle = Arrays.copyOfRange(content, 500, 510);
            assertEquals(-1, m.indexOf(needle, 501, 509));
            assertThrows(IndexOutOfBoundsException.class, () -> m.indexOf(needle, -1, 10));
            assertThrows(IndexOutOfBoundsException.class, () -> m.indexOf(needle, 20, 10));
            assertThrows(IndexOutOfBoundsException.class, () -> m.lastIndexOf(needle, 0, 10_001));
            assertThrows(NullPointerException.class, () -> m.indexOf(null, 0, 1));
        }
    }

    private static long naiveIndexOf(byte[] content, byte[] needle, int from, int to) {
        for (int i = from; i + needle.length <= to; i++) {
            if (Arrays.equals(content, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    private static long naiveLastIndexOf(byte[] content, byte[] needle, int from, int to) {
        for (int i = to - needle.length; i >= from; i--) {
            if (Arrays.equals(content, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    /** asByteBuffer is a direct big-endian view of the same memory, read-only on READ_ONLY mappings. */
    @Test
    void byteBufferViews() throws IOException {
        Path file = file(8192);
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE)) {
            ByteBuffer view = m.asByteBuffer(100, 200);
            assertTrue(view.isDirect());
            assertFalse(view.isReadOnly());
            assertSame(ByteOrder.BIG_ENDIAN, view.order());
            assertEquals(200, view.capacity());
            view.putInt(0, 0x01020304);
            assertEquals(0x01020304, m.getInt(100, ByteOrder.BIG_ENDIAN));
            m.putByte(299, (byte) 42);
            assertEquals(42, view.get(199));
            assertThrows(IndexOutOfBoundsException.class, () -> view.get(200));
            assertEquals(0, m.asByteBuffer(8192, 0).capacity());
            assertThrows(IndexOutOfBoundsException.class, () -> m.asByteBuffer(8000, 193));
            assertThrows(IndexOutOfBoundsException.class, () -> m.asByteBuffer(0, -1));
        }
        try (Mapping m = Mapping.map(file, MapMode.READ_ONLY)) {
            ByteBuffer view = m.asByteBuffer(0, 8192);
            assertTrue(view.isReadOnly());
            assertThrows(ReadOnlyBufferException.class, () -> view.put(0, (byte) 1));
            assertEquals(0x01020304, view.getInt(100));
        }
    }

    /** Every write method of a READ_ONLY mapping throws ReadOnlyBufferException and changes nothing. */
    @Test
    void readOnlyRefusesEveryWrite() throws IOException {
        Path file = file(4096);
        byte[] before = Files.readAllBytes(file);
        try (Mapping m = Mapping.map(file, MapMode.READ_ONLY)) {
            assertEquals(MapMode.READ_ONLY, m.mode());
            List<Consumer<Mapping>> writes = List.of(
                    x -> x.putByte(0, (byte) 1), x -> x.putShort(0, (short) 1), x -> x.putInt(0, 1),
                    x -> x.putLong(0, 1), x -> x.putFloat(0, 1), x -> x.putDouble(0, 1),
                    x -> x.putShort(0, (short) 1, ByteOrder.BIG_ENDIAN), x -> x.putInt(0, 1, ByteOrder.BIG_ENDIAN),
                    x -> x.putLong(0, 1, ByteOrder.BIG_ENDIAN), x -> x.putFloat(0, 1, ByteOrder.BIG_ENDIAN),
                    x -> x.putDouble(0, 1, ByteOrder.BIG_ENDIAN),
                    x -> x.putBytes(0, new byte[8], 0, 8), x -> x.putBytes(0, ByteBuffer.allocate(8)),
                    x -> x.putBytes(0, ByteBuffer.allocateDirect(8)), x -> x.copy(0, 8, 8), x -> x.fill(0, 8, (byte) 1),
                    x -> x.putIntVolatile(0, 1), x -> x.putIntRelease(0, 1), x -> x.compareAndSetInt(0, 0, 1),
                    x -> x.getAndAddInt(0, 1), x -> x.getAndSetInt(0, 1), x -> x.putLongVolatile(0, 1),
                    x -> x.putLongRelease(0, 1), x -> x.compareAndSetLong(0, 0, 1), x -> x.getAndAddLong(0, 1),
                    x -> x.getAndSetLong(0, 1));
            for (Consumer<Mapping> write : writes) {
                assertThrows(ReadOnlyBufferException.class, () -> write.accept(m));
            }
            assertEquals(before[0], m.getByte(0));
        }
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    /** PRIVATE is copy-on-write: the mapping sees its writes, the file and other mappings do not. */
    @Test
    void privateWritesStayPrivate() throws IOException {
        Path file = file(4096);
        byte[] before = Files.readAllBytes(file);
        try (Mapping copy = Mapping.map(file, MapMode.PRIVATE); Mapping shared = Mapping.map(file, MapMode.READ_ONLY)) {
            copy.fill(0, 4096, (byte) 7);
            copy.putLong(8, -1L);
            assertEquals(-1L, copy.getLong(8));
            assertEquals(7, copy.getByte(100));
            assertEquals(before[100], shared.getByte(100));
        }
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    /** After close every method but close/isOpen throws IllegalStateException; close is idempotent. */
    @Test
    void closedMappingRefusesEverything() throws IOException {
        Mapping m = writable(Kind.FILE, 4096);
        assertTrue(m.isOpen());
        m.close();
        m.close();
        assertFalse(m.isOpen());
        List<ThrowingConsumer> calls = List.of(
                Mapping::length, Mapping::mode, Mapping::address, Mapping::file,
                x -> x.getByte(0), x -> x.putByte(0, (byte) 1), x -> x.getShort(0), x -> x.getInt(0), x -> x.getLong(0),
                x -> x.putLong(0, 1), x -> x.getFloat(0), x -> x.getDouble(0), x -> x.getInt(0, ByteOrder.BIG_ENDIAN),
                x -> x.putInt(0, 1, ByteOrder.LITTLE_ENDIAN), x -> x.getBytes(0, new byte[1], 0, 1),
                x -> x.getBytes(0, new byte[0], 0, 0), x -> x.putBytes(0, new byte[1], 0, 1),
                x -> x.getBytes(0, ByteBuffer.allocate(1)), x -> x.putBytes(0, ByteBuffer.allocate(0)),
                x -> x.copy(0, 1, 1), x -> x.fill(0, 0, (byte) 0), x -> x.indexOf(new byte[1], 0, 0),
                x -> x.lastIndexOf(new byte[0], 0, 0), x -> x.getIntVolatile(0), x -> x.putIntRelease(0, 1),
                x -> x.compareAndSetLong(0, 0, 1), x -> x.getAndAddLong(0, 1), x -> x.asByteBuffer(0, 0),
                Mapping::sync, x -> x.sync(0, 0, SyncMode.ASYNC), x -> x.advise(Advice.NORMAL),
                x -> x.advise(0, 1, Advice.NORMAL), Mapping::lockPages, x -> x.lockPages(0, 1), Mapping::unlockPages,
                x -> x.unlockPages(0, 1), Mapping::residency, x -> x.residency(0, 1), x -> x.resize(8192));
        for (ThrowingConsumer call : calls) {
            assertThrows(IllegalStateException.class, () -> call.accept(m));
        }
        assertTrue(m.toString().contains("closed"));
    }

    @FunctionalInterface
    interface ThrowingConsumer {
        void accept(Mapping m) throws Exception;
    }

    /** Anonymous memory starts zero-filled, is PRIVATE, has no file, and has a page-aligned address. */
    @Test
    void anonymousMemory() throws IOException {
        try (Mapping m = Mapping.anonymous(3 * Mapping.pageSize() + 5)) {
            assertEquals(MapMode.PRIVATE, m.mode());
            assertFalse(m.file().isPresent());
            assertEquals(0, m.address() % Mapping.pageSize());
            assertNotEquals(0, m.address());
            assertEquals(-1, m.indexOf(new byte[] {1}, 0, m.length()));
        }
        int page = Mapping.pageSize();
        assertEquals(0, page & (page - 1), "page size is a power of two");
    }
}
