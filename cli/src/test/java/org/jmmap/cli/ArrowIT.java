package org.jmmap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** jmmap arrow info against files pyarrow writes. */
class ArrowIT {

    private Path dir;

    @BeforeEach
    void needsPyarrow() throws Exception {
        assumeTrue(JmmapProcess.executable("python3").isPresent(), "python3 is not installed");
        JmmapProcess.Result pyarrow = JmmapProcess.runCommand(List.of("python3", "-c", "import pyarrow"),
                new byte[0]);
        assumeTrue(pyarrow.status() == 0, "pyarrow is not installed");
        dir = JmmapProcess.directory("arrow");
    }

    @AfterEach
    void deleteDirectory() throws Exception {
        JmmapProcess.delete(dir);
    }

    /** Runs a Python program with pyarrow as pa, in the test's directory; its standard output as JSON. */
    private JsonNode python(String program) throws Exception {
        JmmapProcess.Result result = JmmapProcess.runCommand(List.of("python3", "-c",
                "import json, os, pyarrow as pa, pyarrow.ipc\nos.chdir('" + dir + "')\n" + program), new byte[0]);
        assertEquals(0, result.status(), result.toString());
        return Json.MAPPER.readTree(result.stdout());
    }

    /** The schema as pyarrow prints it (top-level fields), the batches and rows pyarrow's reader counts. */
    @Test
    void infoAgreesWithPyarrow() throws Exception {
        JsonNode expected = python(""
                + "schema = pa.schema([pa.field('i', pa.int64()), pa.field('d', pa.float64(), nullable=False),\n"
                + "    pa.field('s', pa.string()), pa.field('l', pa.list_(pa.int32())),\n"
                + "    pa.field('st', pa.struct([('a', pa.int8()), ('b', pa.string())])),\n"
                + "    pa.field('dict', pa.dictionary(pa.int32(), pa.string())),\n"
                + "    pa.field('ts', pa.timestamp('ms', tz='UTC'))], metadata={'origin': 'test'})\n"
                + "def batch(n):\n"
                + "    return pa.record_batch([pa.array(range(n), pa.int64()), pa.array([0.5] * n),\n"
                + "        pa.array(['x'] * n), pa.array([[1, 2]] * n, pa.list_(pa.int32())),\n"
                + "        pa.array([{'a': 1, 'b': 'y'}] * n, schema.field('st').type),\n"
                + "        pa.array(['p', 'q'] * (n // 2) + ['p'] * (n % 2)).dictionary_encode(),\n"
                + "        pa.array([0] * n, pa.timestamp('ms', tz='UTC'))], schema=schema)\n"
                + "with pa.ipc.new_file('t.arrow', schema) as writer:\n"
                + "    for n in [100, 100, 37]:\n"
                + "        writer.write_batch(batch(n))\n"
                + "reader = pa.ipc.open_file('t.arrow')\n"
                + "fields = [line for line in str(reader.schema).split('\\n') if not line.startswith(' ')][:7]\n"
                + "print(json.dumps({'fields': fields, 'batches': reader.num_record_batches,"
                + " 'rows': reader.read_all().num_rows}))\n");
        Path file = dir.resolve("t.arrow");
        Cli.Result info = Cli.run("arrow", "info", file.toString());
        assertEquals(0, info.status(), info.toString());
        List<String> fields = new ArrayList<>();
        expected.get("fields").forEach(field -> fields.add("  " + field.asText()));
        List<String> lines = List.of(info.out().split("\n"));
        assertEquals(fields, lines.subList(lines.indexOf("schema:") + 1, lines.indexOf("schema:") + 1 + 7));
        assertTrue(lines.contains("rows:      237"), info.out());
        assertTrue(lines.contains("batches:   3 of 37 to 100 rows"), info.out());
        assertTrue(lines.contains("metadata:  origin = test"), info.out());

        JsonNode json = Json.MAPPER.readTree(Cli.run("arrow", "info", "--json", file.toString()).out());
        assertEquals(expected.get("rows").asLong(), json.get("rows").asLong());
        assertEquals(expected.get("batches").asInt(), json.get("batches").asInt());
        assertEquals("[100,100,37]", Json.compact(json.get("batch_rows")));
        assertEquals("{\"name\":\"d\",\"type\":\"double\",\"nullable\":false}", Json.compact(json.get("fields").get(1)));
        assertEquals("test", json.get("metadata").get("origin").asText());
    }

    /** A compressed file (Feather's default, LZ4): its schema, then one line saying why its rows are unknown. */
    @Test
    void compressedFileShowsItsSchemaAndFails() throws Exception {
        python("import pyarrow.feather\n"
                + "pyarrow.feather.write_feather(pa.table({'price': [1.5, 2.5]}), 'c.arrow', compression='lz4')\n"
                + "print('{}')\n");
        Path file = dir.resolve("c.arrow");
        Cli.Result info = Cli.run("arrow", "info", file.toString());
        assertEquals(1, info.status(), info.toString());
        assertTrue(info.out().contains("\nschema:\n  price: double\n"), info.out());
        assertTrue(info.out().contains("rows:      unknown"), info.out());
        assertEquals(1, info.errLines().size(), info.stderr());
        assertTrue(info.errLines().get(0).contains("LZ4") && info.errLines().get(0).endsWith("(EINVAL)"),
                info.stderr());
        JsonNode json = Json.MAPPER.readTree(Cli.run("arrow", "info", "--json", file.toString()).out());
        assertTrue(json.get("rows").isNull(), json.toString());
        assertEquals(1, json.get("batches").asInt());
    }

    /** Not an Arrow file, an Arrow IPC stream (no footer), a missing file: one line each, status 1. */
    @Test
    void errors() throws Exception {
        python("with pa.ipc.new_stream('s.arrows', pa.schema([('x', pa.int8())])) as w:\n"
                + "    w.write_batch(pa.record_batch([pa.array([1], pa.int8())], names=['x']))\n"
                + "print('{}')\n");
        Path text = Files.writeString(dir.resolve("text.arrow"), "not an arrow file, but long enough to be read");
        Path stream = dir.resolve("s.arrows");
        Path missing = dir.resolve("missing.arrow");
        Cli.Result result = Cli.run("arrow", "info", text.toString(), stream.toString(), missing.toString());
        assertEquals(1, result.status(), result.toString());
        List<String> errors = result.errLines();
        assertEquals(3, errors.size(), result.stderr());
        assertTrue(errors.get(0).startsWith("jmmap arrow info: " + text + ": ") && errors.get(0).endsWith("(EINVAL)"),
                errors.get(0));
        assertTrue(errors.get(1).startsWith("jmmap arrow info: " + stream + ": ") && errors.get(1).endsWith(
                "(EINVAL)"), errors.get(1));
        assertEquals("jmmap arrow info: " + missing + ": No such file or directory (ENOENT)", errors.get(2));
    }
}
