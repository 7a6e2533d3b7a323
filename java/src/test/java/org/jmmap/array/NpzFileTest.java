package org.jmmap.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jmmap.MapMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NpzFile} over archives written by {@code np.savez} (stored members, mapped in place) and
 * {@code np.savez_compressed} (deflated members, inflated into memory): names, values, modes, and bad archives.
 */
class NpzFileTest {

    @TempDir
    Path directory;

    private static final String WRITE = String.join("\n",
            "import numpy.lib.format as fmt",
            "t = np.arange(1000, dtype='<f8').reshape(100, 10) * 0.5",
            "i = np.arange(24, dtype='>i4').reshape(2, 3, 4)",
            "r = np.zeros(5, dtype=fmt.descr_to_dtype([('x', '<i2'), ('', '|V2'), ('y', '<f4')]))",
            "r['x'] = np.arange(5)",
            "r['y'] = np.arange(5) * 1.5",
            "f = np.asfortranarray(np.arange(12, dtype='<u2').reshape(3, 4))",
            "getattr(np, sys.argv[2])(sys.argv[1], temperature=t, ints=i, records=r, fortran=f, empty=np.zeros((0, 3)),"
                    + " scalar=np.float32(2.5))");

    private void checkContent(NpzFile npz, boolean inPlace) throws IOException {
        assertEquals(List.of("temperature", "ints", "records", "fortran", "empty", "scalar"),
                List.copyOf(npz.names()));
        for (String name : npz.names()) {
            assertEquals(inPlace, npz.isMappedInPlace(name), name);
            assertEquals(inPlace, npz.get(name).isMappedInPlace(), name);
        }
        DoubleArray t = npz.get("temperature").doubles();
        assertArrayEquals(new long[] {100, 10}, t.shape());
        assertEquals(999 * 0.5, t.get(99, 9));
        assertEquals(999 * 1000 / 2 * 0.5, t.sum());
        IntArray ints = npz.get("ints").ints();
        assertEquals(23, ints.get(1, 2, 3));
        ShortArray x = npz.get("records").field("x");
        FloatArray y = npz.get("records").field("y");
        assertEquals(4, x.get(4));
        assertEquals(6.0f, y.get(4));
        ShortArray fortran = npz.get("fortran").shorts();
        assertTrue(npz.get("fortran").header().fortranOrder());
        assertEquals(7, fortran.getUnsigned(7));
        assertEquals(0, npz.get("empty").doubles().size());
        assertEquals(2.5f, npz.get("scalar").floats().get(0));
        assertEquals(0, npz.get("scalar").floats().rank());
        assertEquals(npz.get("ints"), npz.get("ints"));
    }

    @Test
    void savezMembersAreMappedInPlace() throws IOException {
        Path file = directory.resolve("stored.npz");
        Numpy.run(WRITE, file.toString(), "savez");
        try (NpzFile npz = NpzFile.open(file, MapMode.READ_ONLY)) {
            checkContent(npz, true);
            // the data is the archive's own bytes: the mapping starts inside the archive
            NpyFile ints = npz.get("ints");
            long[] range = ints.ints().lockRange(0, 24);
            byte[] archive = Files.readAllBytes(file);
            assertEquals(ints.header().dataLength(), range[1]);
            assertEquals(23, archive[(int) (range[0] + range[1] - 1)]); // big-endian 23, last byte
            assertThrows(java.nio.ReadOnlyBufferException.class, () -> ints.ints().set(0, 5));
        }
        byte[] before = Files.readAllBytes(file);
        try (NpzFile npz = NpzFile.open(file, MapMode.PRIVATE)) {
            DoubleArray t = npz.get("temperature").doubles();
            t.set(0, 0, 42.0);
            assertEquals(42.0, t.get(0));
        }
        assertArrayEquals(before, Files.readAllBytes(file));
        assertThrows(UnsupportedOperationException.class, () -> NpzFile.open(file, MapMode.READ_WRITE));
    }

    @Test
    void savezCompressedMembersAreInflated() throws IOException {
        Path file = directory.resolve("deflated.npz");
        Numpy.run(WRITE, file.toString(), "savez_compressed");
        NpzFile npz = NpzFile.open(file, MapMode.READ_ONLY);
        checkContent(npz, false);
        NpyFile t = npz.get("temperature");
        t.doubles().set(0, 1.0); // anonymous memory: writable, never reaches the file
        assertEquals(1.0, t.doubles().get(0));
        assertThrows(UnsupportedOperationException.class, () -> t.doubles().lock(org.jmmap.lock.LockMode.SHARED));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> npz.get("nope"));
        assertTrue(missing.getMessage().contains("(members: temperature, ints"), missing.getMessage());
        npz.close();
        assertThrows(IllegalStateException.class, () -> t.doubles().get(0));
        assertThrows(IllegalStateException.class, () -> npz.get("ints"));
    }

    @Test
    void badArchivesAreRefused() throws IOException {
        Path notZip = Files.write(directory.resolve("text.npz"), "hello, this is not a zip archive at all".getBytes());
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> NpzFile.open(notZip, MapMode.READ_ONLY));
        assertTrue(e.getMessage().contains("no end of central directory record"), e.getMessage());

        Path file = directory.resolve("c.npz");
        Numpy.run(WRITE, file.toString(), "savez_compressed");
        byte[] bytes = Files.readAllBytes(file);
        // corrupt one byte inside the first member's deflate stream
        byte[] corrupt = bytes.clone();
        corrupt[200] ^= 0x55;
        Path damaged = Files.write(directory.resolve("damaged.npz"), corrupt);
        try (NpzFile npz = NpzFile.open(damaged, MapMode.READ_ONLY)) {
            NpyFormatException bad = assertThrows(NpyFormatException.class, () -> npz.get("temperature"));
            assertTrue(bad.getMessage().contains("temperature"), bad.getMessage());
        }
        assertArrayEquals(corrupt, Files.readAllBytes(damaged));
        Path cut = Files.write(directory.resolve("cut.npz"), Arrays.copyOf(bytes, bytes.length / 2));
        assertThrows(NpyFormatException.class, () -> NpzFile.open(cut, MapMode.READ_ONLY));

        // numpy agrees about the corrupt member
        assertFalse(Numpy.attempt("np.load(sys.argv[1])['temperature']", damaged.toString()).exitStatus == 0);
    }
}
