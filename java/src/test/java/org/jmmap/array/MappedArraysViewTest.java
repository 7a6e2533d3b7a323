package org.jmmap.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MappedArrays#view}: typed views over a byte range of a mapping that someone else laid out. */
class MappedArraysViewTest {

    @TempDir
    Path directory;

    @Test
    void viewsElementsInPlaceAtAnOffset() throws IOException {
        try (Mapping m = Mapping.anonymous(4096)) {
            for (int i = 0; i < 6; i++) {
                m.putDouble(64 + 8L * i, i * 1.5, ByteOrder.LITTLE_ENDIAN);
            }
            DoubleArray a = (DoubleArray) MappedArrays.view(m, 64, "<f8", 2, 3);
            assertArrayEquals(new long[] {2, 3}, a.shape());
            assertEquals(64, a.offset());
            assertEquals(7.5, a.get(1, 2));
            assertEquals(22.5, a.sum());
            a.set(0, 0, 42.0); // the same memory, both ways
            assertEquals(42.0, m.getDouble(64, ByteOrder.LITTLE_ENDIAN));
            assertThrows(UnsupportedOperationException.class, () -> a.lock(0, 1,
                    org.jmmap.lock.LockMode.SHARED), "a view over someone else's layout takes no locks");
        }
    }

    @Test
    void byteOrderUnitsAndStrings() throws IOException {
        try (Mapping m = Mapping.anonymous(4096)) {
            m.putInt(0, 0x01020304, ByteOrder.BIG_ENDIAN);
            assertEquals(0x01020304, ((IntArray) MappedArrays.view(m, 0, ">i4", 1)).get(0));
            assertEquals(0x04030201, ((IntArray) MappedArrays.view(m, 0, "<i4", 1)).get(0));
            m.putLong(8, 1_700_000_000_000L, ByteOrder.LITTLE_ENDIAN);
            LongArray times = (LongArray) MappedArrays.view(m, 8, "<M8[ms]", 1);
            assertEquals(DType.DATETIME64, times.dtype());
            assertEquals("ms", times.unit().orElseThrow());
            assertEquals(1_700_000_000_000L, times.get(0));
            m.putBytes(16, "abcdefgh".getBytes(), 0, 8);
            ByteArray strings = (ByteArray) MappedArrays.view(m, 16, "|S4", 2); // fixed-size binary: (2, 4) bytes
            assertArrayEquals(new long[] {2, 4}, strings.shape());
            assertEquals('g', strings.get(1, 2));
            FloatArray halves = (FloatArray) MappedArrays.view(m, 24, "<f2", 2);
            m.putShort(24, (short) 0x3c00, ByteOrder.LITTLE_ENDIAN); // 1.0 in IEEE half precision
            assertEquals(1.0f, halves.get(0));
        }
    }

    @Test
    void stridedViewsSeeTransposedLayouts() throws IOException {
        try (Mapping m = Mapping.anonymous(4096)) {
            for (int i = 0; i < 6; i++) {
                m.putInt(4L * i, i, ByteOrder.LITTLE_ENDIAN); // physically (2, 3), C order
            }
            IntArray transposed = (IntArray) MappedArrays.view(m, 0, "<i4", new long[] {3, 2}, new long[] {4, 12});
            assertFalse(transposed.isContiguous());
            assertEquals(5, transposed.get(2, 1));
            assertEquals(3, transposed.get(0, 1));
            assertArrayEquals(new int[] {0, 3, 1, 4, 2, 5}, transposed.toArray());
            assertEquals(15, transposed.sum());
        }
    }

    @Test
    void refusesRangesOutsideTheMapping() throws IOException {
        try (Mapping m = Mapping.anonymous(4096)) {
            IndexOutOfBoundsException past = assertThrows(IndexOutOfBoundsException.class,
                    () -> MappedArrays.view(m, 4000, "<f8", 13));
            assertEquals("offset=4000 extent=104 (<f8, shape (13,)): outside the mapping of length=4096",
                    past.getMessage());
            assertEquals(1, MappedArrays.view(m, 4088, "<f8", 1).size()); // the last 8 bytes
            assertThrows(IndexOutOfBoundsException.class, () -> MappedArrays.view(m, -8, "<f8", 1));
            assertThrows(IndexOutOfBoundsException.class, () -> MappedArrays.view(m, 4097, "|u1", 0));
            assertEquals(0, MappedArrays.view(m, 4096, "|u1", 0).size()); // an empty view at the end
            assertThrows(IndexOutOfBoundsException.class,
                    () -> MappedArrays.view(m, 0, "<i4", new long[] {2, 2}, new long[] {4, 4093}));
            IllegalArgumentException overflow = assertThrows(IllegalArgumentException.class,
                    () -> MappedArrays.view(m, 0, "<f8", Long.MAX_VALUE / 4));
            assertEquals("shape=(2305843009213693951,) strides=[8]: spans more than Long.MAX_VALUE bytes",
                    overflow.getMessage());
            assertThrows(IllegalArgumentException.class, () -> MappedArrays.view(m, 0, "<f8", -1));
            assertThrows(IllegalArgumentException.class,
                    () -> MappedArrays.view(m, 0, "<f8", new long[] {2}, new long[] {-8}));
            assertThrows(IllegalArgumentException.class,
                    () -> MappedArrays.view(m, 0, "<f8", new long[] {2}, new long[] {8, 8}));
            IllegalArgumentException struct = assertThrows(IllegalArgumentException.class,
                    () -> MappedArrays.view(m, 0, "|V0", 1));
            assertTrue(struct.getMessage().contains("fixed-size"), struct.getMessage());
            assertThrows(IllegalArgumentException.class, () -> MappedArrays.view(m, 0, "<q9", 1));
        }
    }

    @Test
    void aViewEndsWithItsMapping() throws IOException {
        Path file = directory.resolve("raw.bin");
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE, 0, 4096)) {
            LongArray a = (LongArray) MappedArrays.view(m, 8, "<i8", 4);
            a.fill(3);
            m.close();
            assertThrows(IllegalStateException.class, () -> a.get(0));
            assertThrows(IllegalStateException.class, () -> MappedArrays.view(m, 0, "<i8", 1));
        }
    }
}
