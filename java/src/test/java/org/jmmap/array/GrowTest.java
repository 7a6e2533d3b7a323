package org.jmmap.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.jmmap.MapMode;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NpyFile#grow}: rows appended in place, the header rewritten as numpy writes it for the new shape, numpy
 * reading the result; headers without room refused with the file unchanged; and a writer killed with SIGKILL in
 * the middle of growing leaves a file numpy reads.
 */
class GrowTest {

    @TempDir
    Path directory;

    @Test
    void growAppendsRowsAndNumpyReadsThem() throws IOException {
        Path file = directory.resolve("g.npy");
        try (NpyFile npy = NpyFile.create(file, DType.FLOAT64, 10, 3)) {
            DoubleArray before = npy.doubles();
            for (long i = 0; i < 30; i++) {
                before.set(i, i);
            }
            npy.grow(10);
            assertArrayEquals(new long[] {10, 3}, npy.header().shape());
            npy.grow(1234);
            assertArrayEquals(new long[] {1234, 3}, npy.header().shape());
            assertEquals(128, npy.header().dataOffset());
            assertEquals(128 + 1234 * 24, Files.size(file));
            DoubleArray after = npy.doubles();
            assertEquals(29.0, after.get(9, 2));
            assertEquals(0.0, after.get(1233, 2));
            after.set(1233, 2, -1.0);
            assertEquals(29.0, before.get(9, 2)); // older views keep their shape and still read the data
            assertEquals(29 * 30 / 2 - 1.0, after.sum());
        }
        // the header is the one numpy writes for the new shape, byte for byte
        byte[] numpyHeader = java.util.Base64.getDecoder().decode(Numpy.run(String.join("\n",
                "b = io.BytesIO()",
                "np.save(b, np.zeros((1234, 3)))",
                "print(base64.b64encode(b.getvalue()[:128]).decode())")).strip());
        assertArrayEquals(numpyHeader, Arrays.copyOf(Files.readAllBytes(file), 128));
        assertEquals("(1234, 3) 29.0 -1.0 0.0", Numpy.run(String.join("\n",
                "a = np.load(sys.argv[1], mmap_mode='r')",
                "print(a.shape, a[9, 2], a[1233, 2], a[500, 1])"), file.toString()).strip());
    }

    @Test
    void growRefusesWhatItCannotDoInPlace() throws IOException {
        Path file = directory.resolve("r.npy");
        NpyFile.create(file, DType.INT32, 5).close();
        try (NpyFile npy = NpyFile.open(file, MapMode.READ_ONLY)) {
            assertThrows(UnsupportedOperationException.class, () -> npy.grow(6));
        }
        try (NpyFile npy = NpyFile.open(file, MapMode.READ_WRITE)) {
            IllegalArgumentException shrink = assertThrows(IllegalArgumentException.class, () -> npy.grow(4));
            assertTrue(shrink.getMessage().contains("newFirstDimension=4"), shrink.getMessage());
        }
        Path fortran = directory.resolve("f.npy");
        NpyFile.create(fortran, NpyHeader.of("<f4", true, 3, 4)).close();
        try (NpyFile npy = NpyFile.open(fortran, MapMode.READ_WRITE)) {
            assertThrows(UnsupportedOperationException.class, () -> npy.grow(6));
        }
        // a header written without numpy's growth room (as numpy before 1.24 and other writers do): no room for
        // a longer shape, and the file is left as it was
        String text = "{'descr': '<i2', 'fortran_order': False, 'shape': (9,), }";
        int total = 70; // 16-byte alignment and less: as old writers left it
        ByteBuffer tight = ByteBuffer.allocate(total + 18).order(ByteOrder.LITTLE_ENDIAN);
        tight.put(NpyHeader.MAGIC).put((byte) 1).put((byte) 0).putShort((short) (total - 10));
        tight.put(text.getBytes(StandardCharsets.ISO_8859_1));
        while (tight.position() < total - 1) {
            tight.put((byte) ' ');
        }
        tight.put((byte) '\n');
        Path old = Files.write(directory.resolve("old.npy"), tight.array());
        byte[] before = Files.readAllBytes(old);
        try (NpyFile npy = NpyFile.open(old, MapMode.READ_WRITE)) {
            npy.grow(99); // two digits still fit in the padding
            assertArrayEquals(new long[] {99}, npy.header().shape());
            IllegalStateException full = assertThrows(IllegalStateException.class, () -> npy.grow(100_000_000));
            assertTrue(full.getMessage().contains("does not fit in the 70 bytes before the data"), full.getMessage());
            assertArrayEquals(new long[] {99}, npy.header().shape());
        }
        byte[] after = Files.readAllBytes(old);
        assertEquals(70 + 99 * 2, after.length);
        assertArrayEquals(Arrays.copyOfRange(before, 70, 88), Arrays.copyOfRange(after, 70, 88));
        assertEquals("(99,)", Numpy.run("print(np.load(sys.argv[1]).shape)", old.toString()).strip());
    }

    /**
     * A child grows a file one row at a time and writes each new row; it is killed with SIGKILL at a random moment,
     * several times; every time numpy must read the file, and every complete row must hold its number.
     */
    @Test
    void killedWhileGrowingLeavesAFileNumpyReads() throws Exception {
        Path file = directory.resolve("k.npy");
        NpyFile.create(file, DType.INT64, 1, 4).close();
        for (int round = 0; round < 4; round++) {
            Path output = directory.resolve("child-" + round + ".out");
            Process child = ChildJvm.of(Grower.class, file.toString()).start(output);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.readString(output).contains("growing") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(child.isAlive(), Files.readString(output));
            Thread.sleep(ThreadLocalRandom.current().nextInt(50, 400));
            child.destroyForcibly().waitFor();
            String report = Numpy.run(String.join("\n",
                    "for mode in (None, 'r'):",
                    "    a = np.load(sys.argv[1], mmap_mode=mode)",
                    "    rows = a.shape[0]",
                    "    bad = [r for r in range(rows - 1) if not (a[r] == r).all()]",
                    "    last = a[rows - 1]",
                    "    if bad or not ((last == rows - 1).all() or (last == 0).all()):",
                    "        print('bad rows', bad[:5], last)",
                    "print(rows)"), file.toString()).strip();
            assertTrue(report.matches("[0-9]+"), report);
            assertTrue(Long.parseLong(report) >= 1, report);
        }
    }

    /**
     * Grows the file one row at a time, writing each row's number into it, until killed. It first writes the last
     * row again: the child before it may have been killed between growing the file and writing that row.
     */
    static final class Grower {
        public static void main(String[] args) throws Exception {
            try (NpyFile npy = NpyFile.open(Path.of(args[0]), MapMode.READ_WRITE)) {
                long last = npy.header().shape()[0] - 1;
                npy.longs().slice(last, last + 1).fill(last);
                System.out.println("growing");
                System.out.flush();
                for (long rows = npy.header().shape()[0]; ; rows++) {
                    npy.grow(rows + 1);
                    LongArray a = npy.longs();
                    for (int j = 0; j < 4; j++) {
                        a.set(rows, j, rows);
                    }
                }
            }
        }
    }
}
