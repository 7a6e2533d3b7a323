package org.jmmap.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;
import org.jmmap.MapMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sum, min, max and mean, over the whole array and along every axis, against numpy: every numeric dtype in both
 * byte orders, C and Fortran order, slices and struct fields, NaN propagation, empty arrays, 1 to 3 threads.
 * Integer results are compared exactly (int64 sums wrap as numpy's do); float sums with numpy's float64 sum of the
 * same values (numpy adds pairwise, jmmap in lanes: the last bits may differ); axis results are also compared in
 * dtype with numpy's.
 */
class ReductionTest {

    @TempDir
    Path directory;

    static final String[] DESCRS = {"|b1", "|i1", "|u1", "<i2", ">u2", "<i4", ">i4", "<u4", "<i8", ">i8", "<u8",
                                    "<f2", ">f2", "<f4", ">f4", "<f8", ">f8", "<m8[s]"};
    static final long[][] SHAPES = {{1000}, {7, 11, 13}, {4, 1}, {3_000_000}};

    private static final String GENERATE = String.join("\n",
            "rng = np.random.default_rng(11)",
            "def make(dt, shape, order):",
            "    n = int(np.prod(shape))",
            "    k = dt.kind",
            "    if k == 'b': v = rng.integers(0, 2, n).astype(bool)",
            "    elif k == 'f': v = (rng.standard_normal(n) * 100).astype(dt)",
            "    elif k == 'm': v = rng.integers(-10**9, 10**9, n).astype(dt)",
            "    elif dt.itemsize == 8: v = rng.integers(np.iinfo(dt).min // (1 if k == 'u' else 2), np.iinfo(dt).max // (1 if k == 'u' else 2), n, dtype=dt.newbyteorder('='), endpoint=True).astype(dt)",
            "    else: v = rng.integers(np.iinfo(dt).min, np.iinfo(dt).max, n, endpoint=True).astype(dt)",
            "    return np.asarray(v.reshape(shape), order=order)",
            "def show(x):",
            "    x = x.item() if hasattr(x, 'item') else x",
            "    if isinstance(x, bool): x = int(x)",
            "    if hasattr(x, 'days'): x = int(x.total_seconds())",
            "    return repr(x)",
            "out = []",
            "for line in open(sys.argv[1]).read().splitlines():",
            "    name, descr, order, shape = line.split('\\t')",
            "    shape = tuple(int(s) for s in shape.split(','))",
            "    dt = np.dtype(descr)",
            "    a = make(dt, shape, order)",
            "    if name.endswith('nan'): a.flat[len(a.flat) // 3] = np.nan",
            "    np.save(os.path.join(sys.argv[2], name + '.npy'), a)",
            "    f = a.astype(np.float64) if dt.kind != 'm' else a.astype(np.int64).astype(np.float64)",
            "    out.append('%s sum %s' % (name, show(np.sum(f)) if dt.kind == 'f' else show(np.sum(a))))",
            "    out.append('%s min %s' % (name, show(np.min(a))))",
            "    out.append('%s max %s' % (name, show(np.max(a))))",
            "    out.append('%s mean %s' % (name, show(np.mean(f))))",
            "    if a.size < 10**5:",
            "        for axis in range(a.ndim):",
            "            for op in ('sum', 'min', 'max', 'mean'):",
            "                np.save(os.path.join(sys.argv[2], '%s.%s.%d.npy' % (name, op, axis)), getattr(np, op)(a, axis=axis))",
            "print('\\n'.join(out))");

    private static final String COMPARE = String.join("\n",
            "bad = []",
            "for line in open(sys.argv[1]).read().splitlines():",
            "    want, got = (np.load(os.path.join(sys.argv[2], n)) for n in line.split('\\t'))",
            "    if want.dtype.kind == 'm' and got.dtype.kind == 'f':  # jmmap's timedelta means are float64 ticks",
            "        want = want.astype(np.int64).astype(np.float64)",
            "        if want.shape != got.shape or np.abs(np.trunc(got) - want).max(initial=0) > 1:",
            "            bad.append('%s: timedelta means differ' % line)",
            "        continue",
            "    if want.dtype != got.dtype or want.shape != got.shape:",
            "        bad.append('%s: numpy %s %s, jmmap %s %s' % (line, want.dtype, want.shape, got.dtype, got.shape))",
            "        continue",
            "    if want.dtype.kind == 'f':",
            "        tol = {2: 2e-2, 4: 1e-5, 8: 1e-12}[want.dtype.itemsize]",
            "        w, g = want.astype(np.float64), got.astype(np.float64)",
            "        ok = np.allclose(g, w, rtol=tol, atol=tol * np.nanmax(np.abs(w), initial=1), equal_nan=True)",
            "    else:",
            "        ok = np.array_equal(want, got)",
            "    if not ok: bad.append('%s: values differ: %r vs %r' % (line, want.ravel()[:5], got.ravel()[:5]))",
            "print('\\n'.join(bad) if bad else 'ok')");

    @Test
    void wholeArraysAndEveryAxisAgainstNumpy() throws IOException {
        List<String> cases = new ArrayList<>();
        for (String descr : DESCRS) {
            for (long[] shape : SHAPES) {
                if (shape[0] > 100_000 && !descr.equals("<f8") && !descr.equals(">f4") && !descr.equals("<i4")) {
                    continue;
                }
                String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(","));
                cases.add("c" + cases.size() + "\t" + descr + "\tC\t" + dims);
                if (shape.length > 1) {
                    cases.add("c" + cases.size() + "\t" + descr + "\tF\t" + dims);
                }
                if (descr.charAt(1) == 'f' && shape.length > 1) {
                    cases.add("c" + cases.size() + "nan\t" + descr + "\tC\t" + dims);
                }
            }
        }
        String[] expected = Numpy.run(GENERATE, Numpy.lines(directory, cases).toString(), directory.toString())
                .strip().split("\n");
        Map<String, String> want = new HashMap<>();
        for (String line : expected) {
            String[] parts = line.split(" ", 3);
            want.put(parts[0] + " " + parts[1], parts[2]);
        }
        List<String> pairs = new ArrayList<>();
        for (String c : cases) {
            String name = c.split("\t")[0];
            String descr = c.split("\t")[1];
            try (NpyFile npy = NpyFile.open(directory.resolve(name + ".npy"), MapMode.READ_ONLY)) {
                for (int threads = 1; threads <= 3; threads++) {
                    TypedArray a = npy.array().parallel(threads);
                    String what = c + " threads=" + threads;
                    check(what + " sum", want.get(name + " sum"), sum(a));
                    check(what + " min", want.get(name + " min"), minOrMax(a, true));
                    check(what + " max", want.get(name + " max"), minOrMax(a, false));
                    checkDouble(what + " mean", parse(want.get(name + " mean")), a.mean());
                }
                TypedArray a = npy.array();
                if (a.size() < 100_000) {
                    for (int axis = 0; axis < a.rank(); axis++) {
                        for (String op : new String[] {"sum", "min", "max", "mean"}) {
                            String result = name + "." + op + "." + axis + ".jmmap.npy";
                            TypedArray view = a.parallel(1 + axis % 3);
                            NpyFile out = op.equals("sum") ? view.sum(axis, directory.resolve(result))
                                    : op.equals("min") ? view.min(axis, directory.resolve(result))
                                    : op.equals("max") ? view.max(axis, directory.resolve(result))
                                    : view.mean(axis, directory.resolve(result));
                            out.close();
                            pairs.add(name + "." + op + "." + axis + ".npy\t" + result);
                        }
                    }
                }
            }
        }
        assertEquals("ok", Numpy.run(COMPARE, Numpy.lines(directory, pairs).toString(), directory.toString())
                .strip());
    }

    /** The whole-array sum as numpy prints it: an int, or a float. */
    private static Object sum(TypedArray a) {
        if (a instanceof DoubleArray) {
            return ((DoubleArray) a).sum();
        }
        if (a instanceof FloatArray) {
            return ((FloatArray) a).sum();
        }
        long bits = a instanceof LongArray ? ((LongArray) a).sum() : a instanceof IntArray ? ((IntArray) a).sum()
                : a instanceof ShortArray ? ((ShortArray) a).sum() : ((ByteArray) a).sum();
        return a.dtype().isUnsigned() ? Long.toUnsignedString(bits) : Long.toString(bits);
    }

    private static Object minOrMax(TypedArray a, boolean min) {
        if (a instanceof DoubleArray) {
            return min ? ((DoubleArray) a).min() : ((DoubleArray) a).max();
        }
        if (a instanceof FloatArray) {
            return (double) (min ? ((FloatArray) a).min() : ((FloatArray) a).max());
        }
        if (a instanceof LongArray) {
            long value = min ? ((LongArray) a).min() : ((LongArray) a).max();
            return a.dtype().isUnsigned() ? Long.toUnsignedString(value) : Long.toString(value);
        }
        long value = a instanceof IntArray ? (min ? ((IntArray) a).min() : ((IntArray) a).max())
                : a instanceof ShortArray ? (min ? ((ShortArray) a).min() : ((ShortArray) a).max())
                : (min ? ((ByteArray) a).min() : ((ByteArray) a).max());
        return Long.toString(value);
    }

    /** A float as Python's repr writes it. */
    private static double parse(String python) {
        return Double.parseDouble(python.replace("nan", "NaN").replace("inf", "Infinity"));
    }

    private static void check(String what, String expected, Object actual) {
        if (actual instanceof Double) {
            checkDouble(what, parse(expected), (Double) actual);
        } else {
            assertEquals(expected, actual, what);
        }
    }

    private static void checkDouble(String what, double expected, double actual) {
        if (Double.isNaN(expected)) {
            assertTrue(Double.isNaN(actual), what + ": expected NaN, got " + actual);
        } else if (Math.abs(actual - expected) > 1e-9 * Math.max(1, Math.abs(expected))) {
            fail(what + ": expected " + expected + ", got " + actual);
        }
    }

    @Test
    void structFieldsSlicesAndTheThreadSplitOfOneOutputColumn() throws IOException {
        Path file = directory.resolve("records.npy");
        Numpy.run(String.join("\n",
                "import numpy.lib.format as fmt",
                "dt = fmt.descr_to_dtype([('t', '<i8'), ('v', '>f4', (3,)), ('', '|V3'), ('w', '<u2')])",
                "a = np.zeros(200_001, dtype=dt)",
                "a['t'] = np.arange(a.size) * 3 - 7",
                "a['v'] = np.arange(a.size * 3).reshape(-1, 3) % 1000 - 333.5",
                "a['w'] = np.arange(a.size) % 65536",
                "np.save(sys.argv[1], a)"), file.toString());
        try (NpyFile npy = NpyFile.open(file, MapMode.READ_ONLY)) {
            LongArray t = npy.field("t");
            FloatArray v = npy.field("v");
            ShortArray w = npy.field("w");
            long n = 200_001;
            for (int threads = 1; threads <= 4; threads++) {
                assertEquals(3 * (n - 1) * n / 2 - 7 * n, t.parallel(threads).sum());
                assertEquals(-7, t.parallel(threads).min());
                assertEquals(65535, w.parallel(threads).max());
                assertEquals(-333.5f, v.parallel(threads).min());
                assertEquals(665.5f, v.parallel(threads).max());
                // one output column along a long axis: the threads split the axis and combine their parts
                FloatArray columnMax = v.parallel(threads).max(0);
                assertEquals(3, columnMax.size());
                assertEquals(666.5f - 1, columnMax.get(0));
                LongArray totals = t.slice(10, 20).parallel(threads).sum(0);
                assertEquals(0, totals.rank());
                assertEquals(3 * (10 + 19) * 10 / 2 - 70, totals.get(0));
            }
            double expected = 0;
            for (long i = 0; i < 3 * n; i++) {
                expected += i % 1000 - 333.5;
            }
            assertEquals(expected, v.sum(), 1e-6);
            assertEquals(expected / (3 * n), v.mean(), 1e-9);
            FloatArray rowSums = v.sum(1);
            assertEquals(n, rowSums.size());
            assertEquals(-333.5f - 332.5f - 331.5f, rowSums.get(0));
        }
    }

    @Test
    void emptyArraysAndBadAxes() throws IOException {
        TypedArray empty = MappedArrays.allocate(DType.FLOAT64, 0, 4);
        DoubleArray d = (DoubleArray) empty;
        assertEquals(0.0, d.sum());
        assertTrue(Double.isNaN(d.mean()));
        NoSuchElementException e = assertThrows(NoSuchElementException.class, d::min);
        assertTrue(e.getMessage().contains("min() of an empty array (shape (0, 4))"), e.getMessage());
        assertThrows(NoSuchElementException.class, () -> d.max(0));
        DoubleArray sums = d.sum(0);
        assertEquals(4, sums.size());
        assertEquals(0.0, sums.get(3));
        assertTrue(Double.isNaN(d.mean(0).get(0)));
        assertEquals(0, d.sum(1).size());
        IllegalArgumentException axis = assertThrows(IllegalArgumentException.class, () -> d.sum(2));
        assertTrue(axis.getMessage().contains("axis=2 for an array of 2 axes"), axis.getMessage());
        assertEquals(4, d.sum(-2).size());

        LongArray dates = (LongArray) MappedArrays.allocate(DType.DATETIME64, 3);
        assertThrows(UnsupportedOperationException.class, dates::sum);
        assertThrows(UnsupportedOperationException.class, dates::mean);
        assertEquals(0, dates.max());
        assertThrows(IllegalArgumentException.class, () -> MappedArrays.allocate(DType.INT8).parallel(0));
    }

    @Test
    void nanPropagatesAsInNumpy() throws IOException {
        FloatArray f = (FloatArray) MappedArrays.allocate(DType.FLOAT32, 5, 1000);
        f.fill(1.5f);
        f.set(3, 500, Float.NaN);
        assertTrue(Float.isNaN(f.min()));
        assertTrue(Float.isNaN(f.max()));
        assertTrue(Double.isNaN(f.sum()));
        FloatArray columnMin = f.min(0);
        assertTrue(Float.isNaN(columnMin.get(500)));
        assertEquals(1.5f, columnMin.get(499));
        FloatArray rowMax = f.parallel(2).max(1);
        assertTrue(Float.isNaN(rowMax.get(3)));
        assertEquals(1.5f, rowMax.get(4));
        f.set(3, 500, Float.POSITIVE_INFINITY);
        f.set(0, 0, Float.NEGATIVE_INFINITY);
        assertEquals(Float.POSITIVE_INFINITY, f.max());
        assertEquals(Float.NEGATIVE_INFINITY, f.min());
        assertTrue(Double.isNaN(f.sum()));
    }
}
