package org.jmmap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** jmmap npy against files numpy writes, and numpy reading what jmmap npy create writes. */
class NpyIT {

    private Path dir;

    @BeforeEach
    void needsNumpy() throws Exception {
        assumeTrue(JmmapProcess.executable("python3").isPresent(), "python3 is not installed");
        JmmapProcess.Result numpy = JmmapProcess.runCommand(List.of("python3", "-c", "import numpy"), new byte[0]);
        assumeTrue(numpy.status() == 0, "numpy is not installed");
        dir = JmmapProcess.directory("npy");
    }

    @AfterEach
    void deleteDirectory() throws Exception {
        JmmapProcess.delete(dir);
    }

    /** Runs a Python program with numpy as np, in the test's directory; its standard output as JSON. */
    private JsonNode python(String program) throws Exception {
        JmmapProcess.Result result = JmmapProcess.runCommand(List.of("python3", "-c",
                "import json, os, numpy as np\nos.chdir(" + quoted(dir.toString()) + ")\n" + program), new byte[0]);
        assertEquals(0, result.status(), result.toString());
        return Json.MAPPER.readTree(result.stdout());
    }

    private static String quoted(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static JsonNode jmmap(String... args) throws Exception {
        JmmapProcess.Result result = JmmapProcess.run(args);
        assertEquals(0, result.status(), result.toString());
        return Json.MAPPER.readTree(result.stdout());
    }

    /** What numpy writes, info describes as numpy's own header reader does, for each dtype and order. */
    @Test
    void infoAgreesWithNumpysHeader() throws Exception {
        JsonNode expected = python(""
                + "arrays = {'f8': np.arange(12.0).reshape(3, 4), 'f4': np.ones((2, 3, 4), np.float32),\n"
                + "          'i2be': np.arange(5, dtype='>i2'), 'u1': np.arange(256, dtype=np.uint8),\n"
                + "          'fortran': np.asfortranarray(np.arange(6.0).reshape(2, 3)), 'scalar': np.array(7),\n"
                + "          'b1': np.array([True, False]), 'c16': np.array([1+2j, -3.5j])}\n"
                + "out = {}\n"
                + "for name, a in arrays.items():\n"
                + "    np.save(name + '.npy', a)\n"
                + "    with open(name + '.npy', 'rb') as f:\n"
                + "        version = np.lib.format.read_magic(f)\n"
                + "        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else "
                + "np.lib.format.read_array_header_2_0\n"
                + "        shape, fortran, dtype = read(f)\n"
                + "        out[name] = {'descr': np.lib.format.dtype_to_descr(dtype), 'shape': list(shape),\n"
                + "                     'fortran_order': fortran, 'version': '%d.%d' % version,\n"
                + "                     'data_offset': f.tell(), 'elements': int(a.size)}\n"
                + "print(json.dumps(out))\n");
        List<String> args = new java.util.ArrayList<>(List.of("npy", "info", "--json"));
        expected.fieldNames().forEachRemaining(name -> args.add(dir.resolve(name + ".npy").toString()));
        JmmapProcess.Result result = JmmapProcess.run(args.toArray(new String[0]));
        assertEquals(0, result.status(), result.toString());
        String[] lines = result.out().split("\n");
        int i = 0;
        for (var names = expected.fieldNames(); names.hasNext(); i++) {
            String name = names.next();
            JsonNode info = Json.MAPPER.readTree(lines[i]);
            assertEquals(dir.resolve(name + ".npy").toString(), info.get("file").asText());
            for (String key : List.of("descr", "shape", "fortran_order", "version", "data_offset", "elements")) {
                assertEquals(expected.get(name).get(key), info.get(key), name + " " + key);
            }
        }
    }

    /** head prints numpy's a.flat[:n]; stats numpy's count, min, max, mean and sum. */
    @Test
    void headAndStatsAgreeWithNumpy() throws Exception {
        JsonNode expected = python(""
                + "rng = np.random.default_rng(7)\n"
                + "arrays = {'f8': rng.normal(size=(1000, 37)), 'f4': rng.normal(size=5000).astype(np.float32),\n"
                + "          'i8': rng.integers(-10**12, 10**12, size=(300, 7)),\n"
                + "          'u1': rng.integers(0, 256, size=9999).astype(np.uint8),\n"
                + "          'i4f': np.asfortranarray(rng.integers(-100, 100, size=(40, 30)).astype(np.int32)),\n"
                + "          'b1': rng.integers(0, 2, size=77).astype(bool)}\n"
                + "out = {}\n"
                + "for name, a in arrays.items():\n"
                + "    np.save(name + '.npy', a)\n"
                + "    out[name] = {'head': a.flat[:6].tolist(), 'count': int(a.size), 'min': a.min().item(),\n"
                + "                 'max': a.max().item(), 'mean': float(a.mean(dtype=np.float64)),\n"
                + "                 'sum': a.sum().item()}\n"
                + "print(json.dumps(out))\n");
        expected.fields().forEachRemaining(entry -> {
            try {
                String file = dir.resolve(entry.getKey() + ".npy").toString();
                JsonNode want = entry.getValue();
                JsonNode head = jmmap("npy", "head", "-n", "6", "--json", file).get("values");
                assertEquals(want.get("head").size(), head.size(), entry.getKey());
                // float32 prints in float32's shortest form (0.1), numpy's tolist() in float64's (0.100000001...)
                boolean float32 = entry.getKey().equals("f4");
                for (int i = 0; i < head.size(); i++) {
                    assertSame(float32, want.get("head").get(i), head.get(i), entry.getKey() + " element " + i);
                }
                JsonNode stats = jmmap("npy", "stats", "--json", file);
                assertEquals(want.get("count").asLong(), stats.get("count").asLong(), entry.getKey());
                assertSame(float32, want.get("min"), stats.get("min"), entry.getKey() + " min");
                assertSame(float32, want.get("max"), stats.get("max"), entry.getKey() + " max");
                double mean = want.get("mean").asDouble();
                assertEquals(mean, stats.get("mean").asDouble(), 1e-9 * Math.max(1, Math.abs(mean)), entry.getKey());
                double sum = want.get("sum").asDouble();
                assertEquals(sum, stats.get("sum").asDouble(), 1e-3 * Math.max(1, Math.abs(sum)), entry.getKey());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    /**
     * head prints datetime64 and timedelta64 elements as numpy's str() does, for every unit, with multipliers,
     * before 1970, around year 0, far in the future, and NaT; --json gives ISO strings, counts and null.
     */
    @Test
    void headPrintsDatesAndDurationsAsNumpyDoes() throws Exception {
        JsonNode expected = python(""
                + "units = ['Y', 'M', 'W', 'D', 'h', 'm', 's', 'ms', 'us', 'ns', 'ps', 'fs', 'as', '10s', '3D', "
                + "'250ms', '2M']\n"
                + "values = [0, 1, -1, 59, -61, 1700000000, -1700000000, 86399, 10**9 + 7, -(10**6) - 3, 719527, "
                + "-719528, -719529, -720000, 2**31, -(2**31), -(2**63)]\n"
                + "out = {}\n"
                + "for unit in units:\n"
                + "    for kind in ['M8', 'm8']:\n"
                + "        name = kind + '_' + unit\n"
                + "        a = np.array(values, dtype='int64').view(kind + '[' + unit + ']')\n"
                + "        np.save(name + '.npy', a.reshape(-1, 1))\n"
                + "        out[name] = [str(x) for x in a]\n"
                + "out['m8_generic'] = [str(x) for x in np.array([5, -2, -(2**63)], dtype='int64').view('m8')]\n"
                + "np.save('m8_generic.npy', np.array([5, -2, -(2**63)], dtype='int64').view('m8'))\n"
                + "print(json.dumps(out))\n");
        for (var names = expected.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            String file = dir.resolve(name + ".npy").toString();
            Cli.Result head = Cli.run("npy", "head", "-n", "100", file);
            assertEquals(0, head.status(), name + ": " + head);
            List<String> want = new java.util.ArrayList<>();
            expected.get(name).forEach(value -> want.add(value.asText()));
            assertEquals(want, List.of(head.out().split("\n")), name);
        }
        Cli.Result json = Cli.run("npy", "head", "-n", "3", "--json", dir.resolve("M8_10s.npy").toString());
        assertEquals("{\"shape\":[17,1],\"unit\":\"s\",\"values\":[\"1970-01-01T00:00:00\","
                + "\"1970-01-01T00:00:10\",\"1969-12-31T23:59:50\"]}", json.out().trim());
        json = Cli.run("npy", "head", "-n", "100", "--json", dir.resolve("m8_250ms.npy").toString());
        JsonNode values = Json.MAPPER.readTree(json.out()).get("values");
        assertEquals("ms", Json.MAPPER.readTree(json.out()).get("unit").asText());
        assertEquals(250, values.get(1).asLong());
        assertEquals(-250, values.get(2).asLong());
        assertTrue(values.get(16).isNull(), "NaT is null");

        JsonNode stats = python("out = {}\n"
                + "for name, values in [('td', [3, 1, 4, 1, 5, -9]), ('td_nat', [3, -(2**63), 4])]:\n"
                + "    a = np.array(values, dtype='int64').view('m8[10ms]')\n"
                + "    np.save(name + '.npy', a)\n"
                + "    out[name] = [str(a.min()), str(a.max()), str(a.mean()), str(a.sum())]\n"
                + "print(json.dumps(out))\n");
        for (String name : List.of("td", "td_nat")) {
            Cli.Result result = Cli.run("npy", "stats", dir.resolve(name + ".npy").toString());
            assertEquals(0, result.status(), result.toString());
            List<String> lines = List.of(result.out().split("\n"));
            for (int i = 0; i < 4; i++) {
                assertEquals(stats.get(name).get(i).asText(), lines.get(i + 1).substring("min:    ".length()),
                        name + " " + lines.get(i + 1));
            }
        }
    }

    private static void assertSame(boolean float32, JsonNode expected, JsonNode actual, String what) {
        if (float32) {
            assertEquals((float) expected.asDouble(), (float) actual.asDouble(), what);
        } else {
            assertEquals(expected.asDouble(), actual.asDouble(), 0.0, what);
        }
    }

    /** What npy create writes, numpy loads with the dtype, shape, order and fill asked for. */
    @Test
    void numpyLoadsWhatCreateWrites() throws Exception {
        JmmapProcess.Result created = JmmapProcess.run("npy", "create", dir.resolve("a.npy").toString(), "--dtype",
                "float32", "--shape", "3,4", "--fill", "2.5");
        assertEquals(0, created.status(), created.toString());
        assertEquals(0, JmmapProcess.run("npy", "create", dir.resolve("b.npy").toString(), "--dtype", ">i4",
                "--shape", "(5,)", "--fill", "-7", "--fortran-order").status());
        assertEquals(0, JmmapProcess.run("npy", "create", dir.resolve("c.npy").toString(), "--dtype", "uint8",
                "--shape", "0").status());
        JsonNode loaded = python("out = {}\n"
                + "for name in ['a', 'b', 'c']:\n"
                + "    a = np.load(name + '.npy', mmap_mode='r')\n"
                + "    out[name] = [a.dtype.str, list(a.shape), bool(np.isfortran(a)), np.unique(a).tolist()]\n"
                + "print(json.dumps(out))\n");
        assertEquals("[\"<f4\",[3,4],false,[2.5]]", Json.compact(loaded.get("a")));
        assertEquals("[\">i4\",[5],false,[-7]]", Json.compact(loaded.get("b")));
        assertEquals("[\"|u1\",[0],false,[]]", Json.compact(loaded.get("c")));
    }

    @Test
    void errors() throws Exception {
        Path text = Files.writeString(dir.resolve("text.npy"), "not an array");
        JmmapProcess.Result notNpy = JmmapProcess.run("npy", "info", text.toString());
        assertEquals(1, notNpy.status(), notNpy.toString());
        assertTrue(notNpy.errLines().get(0).startsWith("jmmap npy info: " + text + ": "), notNpy.stderr());
        Path missing = dir.resolve("missing.npy");
        JmmapProcess.Result absent = JmmapProcess.run("npy", "stats", missing.toString());
        assertEquals(List.of("jmmap npy stats: " + missing + ": No such file or directory (ENOENT)"),
                absent.errLines());
        JmmapProcess.Result exists = JmmapProcess.run("npy", "create", text.toString(), "--dtype", "f8", "--shape",
                "2");
        assertEquals(1, exists.status());
        assertEquals(List.of("jmmap npy create: " + text + ": File exists (EEXIST)"), exists.errLines());
        assertEquals("not an array", Files.readString(text));
        JmmapProcess.Result badShape = JmmapProcess.run("npy", "create", dir.resolve("x.npy").toString(),
                "--dtype", "f8", "--shape", "2,two");
        assertEquals(2, badShape.status(), badShape.toString());
        assertTrue(Files.notExists(dir.resolve("x.npy")));
    }
}
