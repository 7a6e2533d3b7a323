package org.jmmap.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.jmmap.MapMode;
import org.jmmap.internal.Half;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both directions with numpy: numpy writes every dtype in both byte orders, C and Fortran order, 0-d to 4-d and
 * empty, and jmmap reads each element; jmmap writes the same and numpy reads them back with {@code np.load}, with
 * and without {@code mmap_mode}. Structured arrays with padding are read and written field by field.
 */
class NpyFileInteropTest {

    @TempDir
    Path directory;

    static final long[][] SHAPES = {{}, {0}, {7}, {3, 5}, {2, 3, 4}, {2, 3, 2, 3}, {4, 0, 2}};

    private static final class Case {
        final String name;
        final String descr;
        final boolean fortran;
        final long[] shape;

        Case(String name, String descr, boolean fortran, long[] shape) {
            this.name = name;
            this.descr = descr;
            this.fortran = fortran;
            this.shape = shape;
        }

        String line() {
            return name + "\t" + descr + "\t" + (fortran ? "F" : "C") + "\t"
                    + Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(","));
        }
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (String descr : NpyHeaderTest.SCALARS) {
            if (descr.equals("|V7") || descr.equals("<M8")) {
                continue; // raw bytes have no view; generic datetimes hold nothing numpy can make from ints
            }
            for (long[] shape : SHAPES) {
                cases.add(new Case("c" + cases.size(), descr, false, shape));
                if (shape.length >= 2) {
                    cases.add(new Case("c" + cases.size(), descr, true, shape));
                }
            }
        }
        return cases;
    }

    private static final String PARSE_CASE = String.join("\n",
            "def case(line):",
            "    name, descr, order, shape = line.split('\\t')",
            "    return name, np.dtype(descr), order, tuple(int(s) for s in shape.split(',') if s)",
            "def expected(dt, order, shape):",
            "    count = 1",
            "    for s in shape: count *= s",
            "    return np.asarray(values(dt, count).reshape(shape), order=order)",
            "");

    @Test
    void numpyWritesJmmapReads() throws IOException {
        List<Case> cases = cases();
        Path input = Numpy.lines(directory, cases.stream().map(Case::line).collect(Collectors.toList()));
        Numpy.run(Values.PYTHON + PARSE_CASE + String.join("\n",
                "for line in open(sys.argv[1], encoding='utf-8').read().splitlines():",
                "    name, dt, order, shape = case(line)",
                "    np.save(os.path.join(sys.argv[2], name + '.npy'), expected(dt, order, shape))"),
                input.toString(), directory.toString());
        for (Case c : cases) {
            try (NpyFile npy = NpyFile.open(directory.resolve(c.name + ".npy"), MapMode.READ_ONLY)) {
                NpyHeader header = npy.header();
                assertEquals(c.fortran && c.shape.length >= 2 && header.size() > 0, header.fortranOrder(), c.line());
                assertArrayEquals(c.shape, header.shape(), c.line());
                assertEquals(NpyHeader.of(c.descr, false, 1).descr(), header.descr(), c.line());
                TypedArray view = npy.array();
                int width = Values.width(header);
                assertEquals(header.size() * width, view.size(), c.line());
                for (long i = 0; i < header.size(); i++) {
                    Values.check(view, header.dtype(), i, width, c.line() + " element " + i);
                }
            }
        }
    }

    @Test
    void jmmapWritesNumpyReads() throws IOException {
        List<Case> cases = cases();
        for (Case c : cases) {
            NpyHeader header = NpyHeader.of(c.descr, c.fortran, c.shape);
            try (NpyFile npy = NpyFile.create(directory.resolve(c.name + ".npy"), header)) {
                TypedArray view = npy.array();
                int width = Values.width(header);
                for (long i = 0; i < header.size(); i++) {
                    Values.write(view, header.dtype(), i, width);
                }
            }
        }
        Path input = Numpy.lines(directory, cases.stream().map(Case::line).collect(Collectors.toList()));
        String report = Numpy.run(Values.PYTHON + PARSE_CASE + String.join("\n",
                "bad = []",
                "for line in open(sys.argv[1], encoding='utf-8').read().splitlines():",
                "    name, dt, order, shape = case(line)",
                "    path = os.path.join(sys.argv[2], name + '.npy')",
                "    want = expected(dt, order, shape)",
                "    for mode in (None, 'r'):",
                "        a = np.load(path, mmap_mode=mode)",
                "        if a.dtype != dt or a.shape != shape or not np.array_equal(a, want):",
                "            bad.append('%s %s mode=%s: %r %r %r' % (line, name, mode, a.dtype, a.shape, a))",
                "        elif len(shape) >= 2 and order == 'F' and a.size > 0 and not np.isfortran(a):",
                "            bad.append('%s: not Fortran order' % line)",
                "print('\\n'.join(bad) if bad else 'ok')"),
                input.toString(), directory.toString()).strip();
        assertEquals("ok", report);
    }

    @Test
    void structuredArraysFieldByField() throws IOException {
        String descr = "[('t', '<M8[ns]'), ('', '|V4'), ('v', '>f4', (3,)), ('n', '<i2'), ('', '|V2'),"
                + " ('flag', '|b1'), ('s', [('a', '<u2'), ('b', '>f8')])]";
        Path fromNumpy = directory.resolve("numpy.npy");
        Numpy.run(String.join("\n",
                "import numpy.lib.format as fmt",
                "dt = fmt.descr_to_dtype(ast.literal_eval(sys.argv[1]))",
                "a = np.zeros((4, 5), dtype=dt, order='F')",
                "for i in range(4):",
                "    for j in range(5):",
                "        k = i * 5 + j",
                "        a[i, j] = (k * 1000, [k, k + 0.5, -k], -k, k % 2 == 0, (k * 3, k / 4))",
                "np.save(sys.argv[2], a)"), descr, fromNumpy.toString());
        try (NpyFile npy = NpyFile.open(fromNumpy, MapMode.READ_ONLY)) {
            assertTrue(npy.header().fortranOrder());
            assertEquals(descr.replace(",  ", ", "), npy.header().descr());
            LongArray t = npy.field("t");
            FloatArray v = npy.field("v");
            ShortArray n = npy.field("n");
            ByteArray flag = npy.field("flag");
            ShortArray a = npy.field("s.a");
            DoubleArray b = npy.field("s.b");
            assertArrayEquals(new long[] {4, 5, 3}, v.shape());
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 5; j++) {
                    int k = i * 5 + j;
                    assertEquals(k * 1000L, t.get(i, j));
                    assertEquals(k, v.get(i, j, 0));
                    assertEquals(k + 0.5f, v.get(i, j, 1));
                    assertEquals(-k, v.get(i, j, 2));
                    assertEquals(-k, n.get(i, j));
                    assertEquals(k % 2 == 0, flag.getBoolean(i * 5 + j));
                    assertEquals(k * 3, a.getUnsigned(i * 5 + j));
                    assertEquals(k / 4.0, b.get(i, j));
                }
            }
        }

        Path fromJmmap = directory.resolve("jmmap.npy");
        try (NpyFile npy = NpyFile.create(fromJmmap, NpyHeader.of(descr, true, 4, 5))) {
            LongArray t = npy.field("t");
            FloatArray v = npy.field("v");
            ShortArray n = npy.field("n");
            ByteArray flag = npy.field("flag");
            ShortArray a = npy.field("s.a");
            DoubleArray b = npy.field("s.b");
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 5; j++) {
                    int k = i * 5 + j;
                    t.set(i, j, k * 1000L);
                    v.set(i, j, 0, k);
                    v.set(i, j, 1, k + 0.5f);
                    v.set(i, j, 2, -k);
                    n.set(i, j, (short) -k);
                    flag.setBoolean(k, k % 2 == 0);
                    a.setUnsigned(k, k * 3);
                    b.set(i, j, k / 4.0);
                }
            }
        }
        assertEquals("True", Numpy.run(String.join("\n",
                "a, b = np.load(sys.argv[1]), np.load(sys.argv[2], mmap_mode='r')",
                "print(a.dtype == b.dtype and np.isfortran(b) and all(np.array_equal(a[n], b[n]) for n in a.dtype.names))"),
                fromNumpy.toString(), fromJmmap.toString()).strip());
        // the headers are numpy's, byte for byte (the padding bytes of the records are undefined in both)
        long dataOffset = NpyHeader.read(fromNumpy).dataOffset();
        assertArrayEquals(Arrays.copyOf(Files.readAllBytes(fromNumpy), (int) dataOffset),
                Arrays.copyOf(Files.readAllBytes(fromJmmap), (int) dataOffset));
    }

    @Test
    void halfPrecisionAsNumpyConvertsIt() throws IOException {
        // every float16 bit pattern widened, and float32 values rounded to float16, compared with numpy
        Path bits = directory.resolve("half.npy");
        Path rounded = directory.resolve("rounded.npy");
        Path floats = directory.resolve("floats.npy");
        Numpy.run(String.join("\n",
                "h = np.arange(65536, dtype=np.uint16).view(np.float16)",
                "np.save(sys.argv[1], h.astype(np.float32))",
                "rng = np.random.default_rng(7)",
                "f = np.concatenate([rng.standard_normal(20000).astype(np.float32) * 10.0 ** rng.integers(-9, 6, 20000),",
                "    np.array([65504, 65519.99, 65520, 65536, 1e9, 2**-24, 2**-25, 3 * 2**-26, 2**-25 * 1.0001, 6e-8,",
                "              2**-14, 2**-14 - 2**-24, np.inf, -np.inf, 0.0, -0.0, 1 + 2**-11, 1 + 3 * 2**-11], np.float32)])",
                "f = f.astype(np.float32)",
                "np.save(sys.argv[2], f)",
                "np.save(sys.argv[3], f.astype(np.float16).view(np.uint16))"),
                bits.toString(), floats.toString(), rounded.toString());
        try (NpyFile widened = NpyFile.open(bits, MapMode.READ_ONLY)) {
            FloatArray expected = widened.floats();
            for (int h = 0; h < 65536; h++) {
                float want = expected.get(h);
                float got = Half.toFloat((short) h);
                if (Float.isNaN(want)) {
                    assertTrue(Float.isNaN(got), "bits " + h);
                } else {
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), "bits " + h);
                }
            }
        }
        try (NpyFile in = NpyFile.open(floats, MapMode.READ_ONLY);
             NpyFile out = NpyFile.open(rounded, MapMode.READ_ONLY)) {
            FloatArray values = in.floats();
            ShortArray expected = out.shorts();
            for (long i = 0; i < values.size(); i++) {
                assertEquals(expected.get(i), Half.fromFloat(values.get(i)), "value " + values.get(i));
            }
        }
    }
}
