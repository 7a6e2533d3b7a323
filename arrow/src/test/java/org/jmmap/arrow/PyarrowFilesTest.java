package org.jmmap.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jmmap.array.DoubleArray;
import org.jmmap.array.FloatArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that pyarrow writes, read by {@link ArrowIpcFile}: every type jmmap reads, with nulls, in several batches,
 * of sliced arrays; each value compared with what pyarrow itself reads back.
 */
class PyarrowFilesTest {

    /** Writes argv[1] with pyarrow and prints, per batch, the columns' values as JSON. */
    static final String WRITE_EVERY_TYPE = String.join("\n",
            "import sys, json, decimal, numpy as np, pyarrow as pa, pyarrow.ipc as ipc",
            "n = 10",
            "def masked(values, t, nulls=(1, 6)):",
            "    return pa.array([None if i in nulls else v for i, v in enumerate(values)], t)",
            "ints = list(range(-5, 5))",
            "tt = pa.fixed_shape_tensor(pa.float32(), (2, 3))",
            "tp = pa.fixed_shape_tensor(pa.int16(), (2, 3), permutation=[1, 0])",
            "tensor = pa.ExtensionArray.from_storage(tt, pa.array([[i + j / 8 for j in range(6)] for i in range(n)],",
            "    pa.list_(pa.float32(), 6)))",
            "permuted = pa.ExtensionArray.from_storage(tp, pa.array([[i * 10 + j for j in range(6)] for i in range(n)],",
            "    pa.list_(pa.int16(), 6)))",
            "columns = {",
            "  'i8': masked(ints, pa.int8()), 'i16': masked([v * 1000 for v in ints], pa.int16()),",
            "  'i32': masked([v * 100000 for v in ints], pa.int32()), 'i64': masked([v * 2**40 for v in ints], pa.int64()),",
            "  'u8': masked(range(250, 260), pa.uint16()).cast(pa.uint16()), 'u8b': masked(range(246, 256), pa.uint8()),",
            "  'u16': masked(range(65526, 65536), pa.uint16()), 'u32': masked(range(2**32 - 10, 2**32), pa.uint32()),",
            "  'u64': masked(range(2**64 - 10, 2**64), pa.uint64()),",
            "  'f16': pa.array(np.arange(n, dtype=np.float16) / 4, pa.float16(), mask=np.arange(n) % 4 == 3),",
            "  'f32': masked([v / 3 for v in ints], pa.float32()), 'f64': masked([v / 7 for v in ints], pa.float64()),",
            "  'bool': masked([i % 3 == 0 for i in range(n)], pa.bool_()),",
            "  'date32': masked(range(19000, 19010), pa.int32()).cast(pa.date32()),",
            "  'date64': masked([d * 86400000 for d in range(19000, 19010)], pa.int64()).cast(pa.date64()),",
            "  'time32s': masked(range(3600, 3610), pa.int32()).cast(pa.time32('s')),",
            "  'time32ms': masked(range(3600, 3610), pa.int32()).cast(pa.time32('ms')),",
            "  'time64us': masked(range(3600, 3610), pa.int64()).cast(pa.time64('us')),",
            "  'time64ns': masked(range(3600, 3610), pa.int64()).cast(pa.time64('ns')),",
            "  'ts': masked([1700000000000000000 + i for i in range(n)], pa.int64()).cast(pa.timestamp('ns', 'UTC')),",
            "  'ts_s': masked(range(1700000000, 1700000010), pa.int64()).cast(pa.timestamp('s')),",
            "  'dur': masked(range(-5, 5), pa.int64()).cast(pa.duration('ms')),",
            "  'utf8': masked(['', 'a', 'bc', 'déjà', '日本語', 'x' * 100, 'f', 'g', 'h', 'i'], pa.string()),",
            "  'large_utf8': masked(['L' + str(i) for i in range(n)], pa.large_string()),",
            "  'binary': masked([bytes([i, 0, 255]) for i in range(n)], pa.binary()),",
            "  'large_binary': masked([bytes(range(i)) for i in range(n)], pa.large_binary()),",
            "  'fsb': masked([bytes([i, i, i]) for i in range(n)], pa.binary(3)),",
            "  'dec': masked([decimal.Decimal(v) / 100 for v in range(-500, 500, 100)], pa.decimal128(10, 2)),",
            "  'dec256': masked([decimal.Decimal(v) for v in range(n)], pa.decimal256(40, 0)),",
            "  'fsl': masked([[i, -i, i * i] for i in range(n)], pa.list_(pa.int32(), 3)),",
            "  'tensor': tensor, 'permuted': permuted,",
            "  'list': masked([list(range(i % 4)) for i in range(n)], pa.list_(pa.int64())),",
            "  'large_list': masked([['a'] * (i % 3) for i in range(n)], pa.large_list(pa.string())),",
            "  'struct': masked([{'a': i, 'b': str(i)} for i in range(n)], pa.struct([('a', pa.int32()), ('b', pa.string())])),",
            "  'map': masked([[('k' + str(i), i)] for i in range(n)], pa.map_(pa.string(), pa.int32())),",
            "  'dict': masked(['red', 'green', 'blue', 'red', 'red', 'blue', 'green', 'x', 'y', 'red'], pa.string())",
            "      .dictionary_encode(),",
            "  'null': pa.nulls(n),",
            "}",
            "batch = pa.record_batch(list(columns.values()), names=list(columns.keys()))",
            "batches = [batch.slice(0, 4), batch.slice(4, 4), batch.slice(8, 2), batch.slice(3, 5), batch.slice(0, 0)]",
            "with ipc.new_file(sys.argv[1], batch.schema) as writer:",
            "    for b in batches:",
            "        writer.write_batch(b)",
            "def plain(array):",
            "    t = array.type",
            "    if isinstance(t, pa.FixedShapeTensorType):",
            "        return [None if not v.is_valid else array.to_numpy_ndarray()[i].tolist() for i, v in enumerate(array)]",
            "    if pa.types.is_date(t) or pa.types.is_time(t) or pa.types.is_timestamp(t) or pa.types.is_duration(t):",
            "        array = array.view(pa.int32() if t.bit_width == 32 else pa.int64())",
            "    values = array.to_pylist()",
            "    def fix(v):",
            "        if isinstance(v, bytes): return v.hex()",
            "        if isinstance(v, decimal.Decimal): return str(v)",
            "        if isinstance(v, list): return [fix(x) for x in v]",
            "        if isinstance(v, tuple): return [fix(x) for x in v]",
            "        if isinstance(v, dict): return {k: fix(x) for k, x in v.items()}",
            "        return v",
            "    return fix(values)",
            "print(json.dumps([{name: plain(b.column(name)) for name in columns} for b in batches]))");

    @TempDir
    static Path directory;
    static Path file;
    static JsonNode expected;

    @BeforeAll
    static void writeWithPyarrow() throws Exception {
        file = directory.resolve("every-type.arrow");
        expected = new ObjectMapper().readTree(Python.run(WRITE_EVERY_TYPE, file.toString()));
    }

    @Test
    void everyValueOfEveryTypeAsPyarrowReadsIt() throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (ArrowIpcFile arrow = ArrowIpcFile.open(file)) {
            assertEquals(5, arrow.batchCount());
            assertEquals(5, arrow.metadataVersion());
            assertEquals(expected.size(), arrow.batchCount());
            for (int b = 0; b < arrow.batchCount(); b++) {
                RecordBatch batch = arrow.batch(b);
                JsonNode columns = expected.get(b);
                assertEquals(columns.size(), batch.columnCount());
                for (ArrowColumn column : batch.columns()) {
                    String name = column.field().name();
                    JsonNode want = columns.get(name);
                    JsonNode got = json.readTree(json.writeValueAsString(ColumnValues.of(column)));
                    assertEquals(want, got, "batch " + b + " column " + name + " (" + column.field() + ")");
                }
            }
            assertEquals(4 + 4 + 2 + 5, arrow.rowCount());
        }
    }

    @Test
    void filesOfOlderWritersMetadataV4WithoutContinuationMarkers() throws Exception {
        Path legacy = directory.resolve("legacy.arrow");
        Python.run(String.join("\n",
                "import sys, pyarrow as pa, pyarrow.ipc as ipc",
                "t = pa.table({'x': [1.5, None, 3.5], 's': ['a', 'bc', None]})",
                "options = ipc.IpcWriteOptions(use_legacy_format=True, metadata_version=ipc.MetadataVersion.V4)",
                "with ipc.new_file(sys.argv[1], t.schema, options=options) as w: w.write_table(t)"),
                legacy.toString());
        byte[] bytes = java.nio.file.Files.readAllBytes(legacy);
        assertTrue(bytes[8] != -1, "the schema message starts with its length, no continuation marker");
        try (ArrowIpcFile arrow = ArrowIpcFile.open(legacy)) {
            assertEquals(java.util.Arrays.asList(1.5, null, 3.5), ColumnValues.of(arrow.batch(0).column("x")));
            assertEquals(java.util.Arrays.asList("a", "bc", null), ColumnValues.of(arrow.batch(0).column("s")));
        }
    }

    @Test
    void schemaAsPyarrowDescribesIt() throws Exception {
        try (ArrowIpcFile arrow = ArrowIpcFile.open(file)) {
            ArrowSchema schema = arrow.schema();
            assertEquals(ArrowType.int8(), schema.field("i8").type());
            assertEquals(new ArrowType.Int(64, false), schema.field("u64").type());
            assertEquals(ArrowType.timestamp(ArrowType.TimeUnit.NANOSECOND, "UTC"), schema.field("ts").type());
            assertEquals("timestamp[ns, tz=UTC]", schema.field("ts").type().toString());
            assertEquals(new ArrowType.Decimal(10, 2, 128), schema.field("dec").type());
            assertEquals(new ArrowType.Time(ArrowType.TimeUnit.MICROSECOND), schema.field("time64us").type());
            assertEquals("map<entries: struct<key: string not null, value: int32> not null>",
                    schema.field("map").toString().substring("map: ".length()));
            DictionaryEncoding dictionary = schema.field("dict").dictionary().orElseThrow();
            assertEquals(new ArrowType.Int(32, true), dictionary.indexType());
            assertEquals(ArrowType.utf8(), schema.field("dict").type());
            FixedShapeTensor tensor = schema.field("tensor").tensor().orElseThrow();
            assertEquals(ArrowType.float32(), tensor.valueType());
            assertEquals(List.of(2L, 3L), List.of(tensor.shape()[0], tensor.shape()[1]));
            FixedShapeTensor permuted = schema.field("permuted").tensor().orElseThrow();
            assertEquals(List.of(3L, 2L), List.of(permuted.logicalShape()[0], permuted.logicalShape()[1]));
            assertTrue(schema.metadata().isEmpty());
        }
    }

    @Test
    void fixedWidthColumnsAreTheMappedBuffers() throws Exception {
        try (ArrowIpcFile arrow = ArrowIpcFile.open(file)) {
            RecordBatch batch = arrow.batch(0);
            DoubleArray f64 = batch.column("f64").doubles();
            assertEquals(arrow.mapping(), f64.mapping());
            assertEquals(0, f64.offset() % 8);
            assertEquals(-5 / 7.0, f64.get(0));
            assertEquals(1, batch.column("f64").nullCount());
            assertTrue(batch.column("f64").isNull(1));
            assertFalse(batch.column("f64").isNull(0));
            FloatArray tensors = batch.column("tensor").floats();
            assertEquals(List.of(4L, 2L, 3L), List.of(tensors.shape()[0], tensors.shape()[1], tensors.shape()[2]));
            assertEquals(3 + 5 / 8.0f, tensors.get(3, 1, 2));
            ClassCastException wrong = assertThrows(ClassCastException.class, () -> batch.column("i32").doubles());
            assertEquals("doubles() reads float64; column 'i32' holds int32 (IntArray)", wrong.getMessage());
            UnsupportedOperationException strings = assertThrows(UnsupportedOperationException.class,
                    () -> batch.column("utf8").array());
            assertTrue(strings.getMessage().contains("BinaryColumn"), strings.getMessage());
            assertInstanceOf(DictionaryColumn.class, batch.column("dict"));
            arrow.close();
            assertThrows(IllegalStateException.class, () -> f64.get(0));
        }
    }

    @Test
    void slicesOfColumnsAndBatches() throws Exception {
        try (ArrowIpcFile arrow = ArrowIpcFile.open(file)) {
            List<Object> whole = new ArrayList<>();
            List<Object> sliced = new ArrayList<>();
            RecordBatch batch = arrow.batch(3); // pyarrow's slice(3, 5): rows 3..7
            for (ArrowColumn column : batch.columns()) {
                whole.add(ColumnValues.of(column).subList(1, 4));
                sliced.add(ColumnValues.of(column.slice(1, 4)));
            }
            assertEquals(whole, sliced);
            RecordBatch rows = batch.slice(2, 5);
            assertEquals(3, rows.length());
            assertEquals(ColumnValues.of(batch.column("utf8")).subList(2, 5), ColumnValues.of(rows.column("utf8")));
            assertEquals(batch.column("f16").slice(0, 5).nullCount(), batch.column("f16").nullCount());
            assertThrows(IndexOutOfBoundsException.class, () -> batch.slice(3, 6));
        }
    }
}
