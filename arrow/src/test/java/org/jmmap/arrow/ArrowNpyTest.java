package org.jmmap.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ArrowNpy}: {@code .npy} files numpy wrote, to Arrow files pyarrow reads, and back to files numpy loads. */
class ArrowNpyTest {

    @TempDir
    Path directory;

    /** Saves argv[1]/NAME.npy for each case. */
    static final String SAVE = String.join("\n",
            "import sys, numpy as np",
            "d = sys.argv[1]",
            "np.save(d + '/f8.npy', np.arange(1000) / 7)",
            "np.save(d + '/i2.npy', (np.arange(60, dtype=np.int16) - 30).reshape(3, 4, 5))",
            "np.save(d + '/fortran.npy', np.asfortranarray(np.arange(12, dtype=np.float32).reshape(3, 4)))",
            "np.save(d + '/big.npy', np.arange(-50, 50, dtype='>i4'))",
            "np.save(d + '/u8.npy', np.array([0, 1, 2**64 - 1], dtype=np.uint64))",
            "np.save(d + '/f2.npy', np.arange(10, dtype=np.float16) / 4)",
            "np.save(d + '/ns.npy', np.array([0, 1700000000000000000, -1], dtype='datetime64[ns]'))",
            "np.save(d + '/td.npy', np.array([5, -5], dtype='timedelta64[ms]'))",
            "np.save(d + '/bool.npy', np.arange(21) % 3 == 0)",
            "np.save(d + '/empty.npy', np.zeros((0, 2), dtype=np.int64))",
            "np.save(d + '/complex.npy', np.zeros(3, dtype=np.complex64))",
            "np.save(d + '/days.npy', np.zeros(3, dtype='datetime64[D]'))");

    /** Checks that argv[2] (Arrow) holds what argv[1] (.npy) does, read by pyarrow from a memory map. */
    static final String COMPARE = String.join("\n",
            "import sys, numpy as np, pyarrow as pa, pyarrow.ipc as ipc",
            "a = np.load(sys.argv[1])",
            "reader = ipc.open_file(pa.memory_map(sys.argv[2]))",
            "t = reader.read_all()",
            "assert pa.total_allocated_bytes() == 0",
            "c = t.column('a')",
            "if a.ndim == 1:",
            "    got = np.concatenate([x.to_numpy(zero_copy_only=False) for x in c.chunks])",
            "else:",
            "    got = np.concatenate([x.to_numpy_ndarray() for x in c.chunks])",
            "assert got.dtype == a.dtype.newbyteorder('<') or got.dtype == a.dtype, (got.dtype, a.dtype)",
            "assert got.shape == a.shape, (got.shape, a.shape)",
            "assert np.array_equal(got, a), (got, a)",
            "print(reader.num_record_batches)");

    @Test
    void numpyFilesToArrowAsPyarrowReadsThem() throws Exception {
        Python.run(SAVE, directory.toString());
        for (String name : new String[] {"f8", "i2", "fortran", "big", "u8", "f2", "ns", "td", "bool"}) {
            Path npy = directory.resolve(name + ".npy");
            Path arrow = directory.resolve(name + ".arrow");
            ArrowNpy.toArrow(npy, arrow, "a", 2);
            String batches = Python.run(COMPARE, npy.toString(), arrow.toString()).trim();
            try (ArrowIpcFile file = ArrowIpcFile.open(arrow)) {
                assertEquals((file.rowCount() + 1) / 2, Long.parseLong(batches), name + ": batches of 2 rows");
            }
        }
        ArrowNpy.toArrow(directory.resolve("f8.npy"), directory.resolve("one.arrow"), "a");
        try (ArrowIpcFile file = ArrowIpcFile.open(directory.resolve("one.arrow"))) {
            assertEquals(1, file.batchCount());
            assertEquals(1000 / 7.0 - 1 / 7.0, file.batch(0).column("a").doubles().get(999), 1e-12);
        }
        IllegalArgumentException complex = assertThrows(IllegalArgumentException.class,
                () -> ArrowNpy.toArrow(directory.resolve("complex.npy"), directory.resolve("c.arrow"), "a"));
        assertTrue(complex.getMessage().contains("dtype COMPLEX64 has no Arrow type"), complex.getMessage());
        IllegalArgumentException days = assertThrows(IllegalArgumentException.class,
                () -> ArrowNpy.toArrow(directory.resolve("days.npy"), directory.resolve("d.arrow"), "a"));
        assertTrue(days.getMessage().contains("unit 'D' has no Arrow timestamp"), days.getMessage());
        assertFalse(Files.exists(directory.resolve("c.arrow")));
    }

    /** Writes argv[1] with pyarrow: several batches of a double, a tensor, a timestamp, a date and a bool column. */
    static final String WRITE_ARROW = String.join("\n",
            "import sys, numpy as np, pyarrow as pa, pyarrow.ipc as ipc",
            "tt = pa.fixed_shape_tensor(pa.int32(), (2, 3), permutation=[1, 0])",
            "def batch(k):",
            "    n = 5 + k",
            "    t = pa.ExtensionArray.from_storage(tt, pa.array([[k * 100 + i * 6 + j for j in range(6)] for i in range(n)],",
            "        pa.list_(pa.int32(), 6)))",
            "    return pa.record_batch({'x': np.arange(n) + k * 0.5, 't': t,",
            "        'ts': pa.array(np.arange(n, dtype=np.int64) + k).cast(pa.timestamp('us')),",
            "        'd': pa.array(np.arange(n, dtype=np.int32)).cast(pa.date32()),",
            "        'b': pa.array(np.arange(n) % 2 == 0), 'nulls': pa.array([1.0, None] + [2.0] * (n - 2)),",
            "        's': pa.array(['a'] * n)})",
            "with ipc.new_file(sys.argv[1], batch(0).schema) as w:",
            "    for k in range(3): w.write_batch(batch(k))");

    /** Checks that argv[2] (.npy, column argv[3]) holds what pyarrow reads from argv[1]. */
    static final String COMPARE_BACK = String.join("\n",
            "import sys, numpy as np, pyarrow as pa, pyarrow.ipc as ipc",
            "t = ipc.open_file(sys.argv[1]).read_all()",
            "c = t.column(sys.argv[3])",
            "if isinstance(c.type, pa.FixedShapeTensorType):",
            "    want = np.concatenate([x.to_numpy_ndarray() for x in c.chunks])",
            "elif pa.types.is_date32(c.type):",
            "    want = np.concatenate([x.view(pa.int32()).to_numpy() for x in c.chunks])",
            "else:",
            "    want = np.concatenate([x.to_numpy(zero_copy_only=False) for x in c.chunks])",
            "got = np.load(sys.argv[2], mmap_mode='r')",
            "assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype, want.shape, want.dtype)",
            "assert np.array_equal(got, want), (got, want)");

    @Test
    void arrowColumnsToNumpyFiles() throws Exception {
        Path arrow = directory.resolve("pyarrow.arrow");
        Python.run(WRITE_ARROW, arrow.toString());
        for (String column : new String[] {"x", "t", "ts", "d", "b"}) {
            Path npy = directory.resolve(column + ".npy");
            ArrowNpy.toNpy(arrow, column, npy);
            Python.run(COMPARE_BACK, arrow.toString(), npy.toString(), column);
        }
        IllegalArgumentException nulls = assertThrows(IllegalArgumentException.class,
                () -> ArrowNpy.toNpy(arrow, "nulls", directory.resolve("nulls.npy")));
        assertTrue(nulls.getMessage().endsWith(": 3 nulls, which a .npy file cannot hold"), nulls.getMessage());
        IllegalArgumentException strings = assertThrows(IllegalArgumentException.class,
                () -> ArrowNpy.toNpy(arrow, "s", directory.resolve("s.npy")));
        assertTrue(strings.getMessage().endsWith("not a column of fixed-width numbers"), strings.getMessage());
        assertFalse(Files.exists(directory.resolve("nulls.npy")));
        assertThrows(FileAlreadyExistsException.class, () -> ArrowNpy.toNpy(arrow, "x", directory.resolve("x.npy")));
        assertThrows(java.util.NoSuchElementException.class,
                () -> ArrowNpy.toNpy(arrow, "missing", directory.resolve("m.npy")));
    }
}
