package org.jmmap.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jmmap.MapMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link NpyFile}, {@link MappedArrays} and the typed views: modes, errors, layouts, bulk copies, fills. */
class NpyFileTest {

    @TempDir
    Path directory;

    @Test
    void createWriteReopenRead() throws IOException {
        Path file = directory.resolve("a.npy");
        try (NpyFile npy = NpyFile.create(file, DType.FLOAT64, 3, 4)) {
            DoubleArray a = npy.doubles();
            assertArrayEquals(new long[] {3, 4}, a.shape());
            assertArrayEquals(new long[] {32, 8}, a.strides());
            assertEquals(12, a.size());
            assertEquals(128, a.offset());
            assertTrue(a.isContiguous());
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    a.set(i, j, i * 10 + j);
                }
            }
            npy.flush();
        }
        assertEquals(128 + 96, Files.size(file));
        try (NpyFile npy = NpyFile.open(file, MapMode.READ_ONLY)) {
            DoubleArray a = npy.doubles();
            assertEquals(23.0, a.get(2, 3));
            assertEquals(23.0, a.get(11));
            assertEquals(12.0, a.get(new long[] {1, 2}));
            assertThrows(ReadOnlyBufferException.class, () -> a.set(0, 1.0));
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> a.get(12));
            assertEquals("index=12 size=12 (shape (3, 4))", e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> a.get(3, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> a.get(-1));
            IllegalArgumentException rank = assertThrows(IllegalArgumentException.class, () -> a.get(1, 1, 1));
            assertTrue(rank.getMessage().contains("3 indexes for an array of 2 axes"), rank.getMessage());
            npy.close();
            assertThrows(IllegalStateException.class, () -> a.get(0));
            npy.close(); // idempotent
        }
    }

    @Test
    void createRefusesAnExistingFile() throws IOException {
        Path file = Files.write(directory.resolve("exists.npy"), new byte[] {1, 2, 3});
        assertThrows(FileAlreadyExistsException.class, () -> NpyFile.create(file, DType.INT32, 5));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
    }

    @Test
    void privateModeWritesStayInTheProcess() throws IOException {
        Path file = directory.resolve("p.npy");
        try (NpyFile npy = NpyFile.create(file, DType.INT32, 4)) {
            npy.ints().fill(7);
        }
        try (NpyFile npy = NpyFile.open(file, MapMode.PRIVATE)) {
            npy.ints().set(2, 99);
            assertEquals(99, npy.ints().get(2));
        }
        try (NpyFile npy = NpyFile.open(file, MapMode.READ_ONLY)) {
            assertEquals(7, npy.ints().get(2));
        }
    }

    @Test
    void theWrongViewIsAClearError() throws IOException {
        Path file = directory.resolve("i4.npy");
        NpyFile.create(file, DType.INT32, 5).close();
        try (NpyFile npy = NpyFile.open(file, MapMode.READ_ONLY)) {
            ClassCastException e = assertThrows(ClassCastException.class, npy::doubles);
            assertTrue(e.getMessage().contains("holds <i4 (INT32): use ints()"), e.getMessage());
            assertThrows(ClassCastException.class, npy::floats);
            assertThrows(ClassCastException.class, npy::bytes);
            assertTrue(npy.array() instanceof IntArray);
            UnsupportedOperationException notStruct = assertThrows(UnsupportedOperationException.class,
                    () -> npy.field("x"));
            assertTrue(notStruct.getMessage().contains("not a structured array"), notStruct.getMessage());
        }
        Path struct = directory.resolve("struct.npy");
        NpyFile.create(struct, NpyHeader.of("[('a', '<i4'), ('b', [('c', '<f8')])]", false, 2)).close();
        try (NpyFile npy = NpyFile.open(struct, MapMode.READ_ONLY)) {
            assertThrows(UnsupportedOperationException.class, npy::array);
            assertThrows(ClassCastException.class, npy::ints);
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> npy.field("z"));
            assertTrue(missing.getMessage().contains("(fields: a, b)"), missing.getMessage());
            IllegalArgumentException nested = assertThrows(IllegalArgumentException.class, () -> npy.field("b"));
            assertTrue(nested.getMessage().contains("'b.c'"), nested.getMessage());
            DoubleArray c = npy.field("b.c");
            assertArrayEquals(new long[] {12}, c.strides());
            assertEquals(npy.header().dataOffset() + 4, c.offset());
            assertThrows(ClassCastException.class, () -> {
                IntArray wrong = npy.field("b.c");
                wrong.size();
            });
        }
    }

    @Test
    void openRefusesATruncatedFileAndLeavesIt() throws IOException {
        Path file = directory.resolve("t.npy");
        NpyFile.create(file, DType.FLOAT32, 100).close();
        byte[] cut = java.util.Arrays.copyOf(Files.readAllBytes(file), 128 + 396);
        Files.write(file, cut);
        for (MapMode mode : MapMode.values()) {
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> NpyFile.open(file, mode));
            assertTrue(e.getMessage().contains("is 524 bytes long, but its header promises 128 + 100 elements of 4 "
                    + "bytes (shape (100,)) = 528 bytes"), e.getMessage());
            assertArrayEquals(cut, Files.readAllBytes(file));
        }
    }

    @Test
    void fortranOrderIndexesInCOrder() throws IOException {
        Path file = directory.resolve("f.npy");
        try (NpyFile npy = NpyFile.create(file, NpyHeader.of("<i8", true, 3, 4, 2))) {
            LongArray a = npy.longs();
            assertArrayEquals(new long[] {8, 24, 96}, a.strides());
            assertFalse(a.isContiguous());
            for (long i = 0; i < a.size(); i++) {
                a.set(i, i);
            }
            assertEquals(1 * 8 + 2 * 2 + 1, a.get(1, 2, 1));
            // memory holds (i, j, k) at i + 3 j + 12 k
            assertEquals(1 * 8 + 2 * 2 + 1, npy.mapping().getLong(npy.header().dataOffset() + 8 * (1 + 3 * 2 + 12)));
            long[] copy = a.toArray();
            for (int i = 0; i < copy.length; i++) {
                assertEquals(i, copy[i]);
            }
            a.fill(-5);
            assertEquals(-5, a.get(23));
            LongArray rows = a.slice(1, 3);
            assertArrayEquals(new long[] {2, 4, 2}, rows.shape());
            rows.set(0, 0, 0, 42);
            assertEquals(42, a.get(1, 0, 0));
        }
    }

    @Test
    void bulkCopiesInBothByteOrders() throws IOException {
        for (String descr : new String[] {"<f8", ">f8"}) {
            Path file = directory.resolve("bulk" + descr.charAt(0) + ".npy");
            try (NpyFile npy = NpyFile.create(file, NpyHeader.of(descr, false, 1000))) {
                DoubleArray a = npy.doubles();
                assertEquals(descr.charAt(0) == '<' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN, a.order());
                double[] values = new double[1000];
                for (int i = 0; i < values.length; i++) {
                    values[i] = i * 1.5;
                }
                a.copyFrom(values);
                assertEquals(3.0, a.get(2));
                assertEquals(3.0, npy.mapping().getDouble(npy.header().dataOffset() + 16, a.order()));
                double[] back = new double[10];
                a.copyTo(500, back, 0, 10);
                assertEquals(750.0, back[0]);
                for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                    ByteBuffer buffer = ByteBuffer.allocateDirect(80).order(order);
                    a.copyTo(10, buffer);
                    assertEquals(80, buffer.position());
                    assertEquals(15.0, buffer.getDouble(0));
                    buffer.flip();
                    a.copyFrom(900, buffer);
                    assertEquals(15.0, a.get(900));
                    assertEquals(28.5, a.get(909));
                }
                assertThrows(IllegalArgumentException.class, () -> a.copyTo(0, ByteBuffer.allocate(12)));
                assertThrows(IndexOutOfBoundsException.class, () -> a.copyTo(995, new double[10], 0, 10));
                a.slice(100, 200).fill(-1.0);
                assertEquals(1.5 * 99, a.get(99));
                assertEquals(-1.0, a.get(100));
                assertEquals(-1.0, a.get(199));
                assertEquals(1.5 * 200, a.get(200));
            }
        }
    }

    @Test
    void mappedArraysOverRawFiles() throws IOException {
        Path raw = directory.resolve("raw.bin");
        Numpy.run("np.arange(24, dtype='>i4').reshape(4, 6).tofile(sys.argv[1])", raw.toString());
        IntArray a = (IntArray) MappedArrays.map(raw, DType.INT32, ByteOrder.BIG_ENDIAN, MapMode.READ_ONLY, 24, 3, 6);
        try {
            assertEquals(6 + 6 + 2, a.get(1, 2));
        } finally {
            a.mapping().close();
        }

        Path npy = directory.resolve("a.npy");
        Numpy.run("np.save(sys.argv[1], np.arange(10.0))", npy.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MappedArrays.map(npy, DType.FLOAT64, ByteOrder.LITTLE_ENDIAN, MapMode.READ_ONLY, 0, 10));
        assertTrue(e.getMessage().contains("Open it with NpyFile.open(file, mode)"), e.getMessage());
        assertTrue(e.getMessage().contains("(at offset 128)"), e.getMessage());
        DoubleArray data = (DoubleArray) MappedArrays.map(npy, DType.FLOAT64, ByteOrder.LITTLE_ENDIAN,
                MapMode.READ_ONLY, 128, 10);
        assertEquals(9.0, data.get(9));
        data.mapping().close();

        TypedArray memory = MappedArrays.allocate(DType.UINT16, 5, 5);
        ((ShortArray) memory).setUnsigned(24, 65535);
        assertEquals(65535, ((ShortArray) memory).getUnsigned(24));
        assertEquals(-1, ((ShortArray) memory).get(4, 4));
        assertThrows(IllegalArgumentException.class, () -> ((ShortArray) memory).setUnsigned(0, 65536));
        assertThrows(UnsupportedOperationException.class,
                () -> memory.lock(org.jmmap.lock.LockMode.SHARED));
        assertThrows(IllegalArgumentException.class, () -> MappedArrays.allocate(DType.UNICODE, 3));
        assertThrows(IllegalArgumentException.class,
                () -> MappedArrays.map(raw, DType.INT32, ByteOrder.BIG_ENDIAN, MapMode.READ_ONLY, 0, 0));
    }
}
