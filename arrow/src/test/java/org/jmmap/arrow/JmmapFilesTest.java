package org.jmmap.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jmmap.array.DType;
import org.jmmap.array.DoubleArray;
import org.jmmap.array.FloatArray;
import org.jmmap.array.MappedArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files and streams that {@link ArrowIpcWriter} writes, read by the real tools: pyarrow maps them without
 * allocating ({@code pa.total_allocated_bytes() == 0}) and reads the values jmmap was given, every buffer 64-byte
 * aligned; pyarrow reads the stream format from a pipe.
 */
class JmmapFilesTest {

    @TempDir
    Path directory;

    static final ArrowSchema SCHEMA = ArrowSchema.of(
            ArrowField.of("i64", ArrowType.int64()),
            ArrowField.notNull("f64", ArrowType.float64()),
            ArrowField.of("f32", ArrowType.float32()),
            ArrowField.of("f16", ArrowType.float16()),
            ArrowField.of("i32", ArrowType.int32()),
            ArrowField.of("u16", ArrowType.uint16()),
            ArrowField.of("u8", ArrowType.uint8()),
            ArrowField.of("bool", ArrowType.bool()),
            ArrowField.of("text", ArrowType.utf8()),
            ArrowField.of("large_text", new ArrowType.LargeUtf8()),
            ArrowField.of("bytes", ArrowType.binary()),
            ArrowField.of("fsb", new ArrowType.FixedSizeBinary(2)),
            ArrowField.of("ts", ArrowType.timestamp(ArrowType.TimeUnit.MICROSECOND, "UTC")),
            ArrowField.of("dur", ArrowType.duration(ArrowType.TimeUnit.SECOND)),
            ArrowField.of("date", new ArrowType.Date(true)),
            ArrowField.tensor("tensor", ArrowType.float64(), 2, 3),
            ArrowField.of("fsl", new ArrowType.FixedSizeList(4), ArrowField.of("item", ArrowType.int32())),
            ArrowField.of("nothing", new ArrowType.Null()));

    /** The columns of batch {@code b} of {@code rows} rows, and into {@code expected} the values pyarrow must read. */
    static ColumnData[] batch(int b, int rows, Map<String, List<Object>> expected) throws IOException {
        long[] i64 = new long[rows];
        boolean[] valid = new boolean[rows];
        double[] f64 = new double[rows];
        float[] f32 = new float[rows];
        int[] i32 = new int[rows];
        short[] u16 = new short[rows];
        byte[] u8 = new byte[rows];
        boolean[] bools = new boolean[rows];
        List<String> text = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        byte[] fsb = new byte[rows * 2];
        long[] ts = new long[rows];
        int[] dates = new int[rows];
        int[] fsl = new int[rows * 4];
        FloatArray f16 = (FloatArray) MappedArrays.allocate(DType.FLOAT16, rows);
        DoubleArray tensors = (DoubleArray) MappedArrays.allocate(DType.FLOAT64, rows, 2, 3);
        for (int i = 0; i < rows; i++) {
            long n = b * 1000L + i;
            i64[i] = n * (1L << 33) - 7;
            valid[i] = i % 5 != 2;
            f64[i] = n / 8.0;
            f32[i] = n / 4.0f;
            i32[i] = (int) (-n * 3);
            u16[i] = (short) (65535 - i);
            u8[i] = (byte) (200 + i % 50);
            bools[i] = i % 3 == 1;
            text.add(i % 4 == 3 ? null : "row " + n + (i % 2 == 0 ? " é" : ""));
            bytes.add(new byte[] {(byte) i, (byte) b});
            fsb[2 * i] = (byte) i;
            fsb[2 * i + 1] = (byte) ~i;
            ts[i] = 1_700_000_000_000_000L + n;
            dates[i] = 19_000 + (int) n;
            f16.set(i, i / 2.0f);
            for (int k = 0; k < 6; k++) {
                tensors.set(i * 6L + k, n + k / 10.0);
            }
            for (int k = 0; k < 4; k++) {
                fsl[4 * i + k] = (int) n * 4 + k;
            }
        }
        for (int i = 0; i < rows; i++) {
            long n = b * 1000L + i;
            add(expected, "i64", valid[i] ? i64[i] : null);
            add(expected, "f64", f64[i]);
            add(expected, "f32", valid[i] ? (double) f32[i] : null);
            add(expected, "f16", (double) (i / 2.0f));
            add(expected, "i32", (long) i32[i]);
            add(expected, "u16", (long) (u16[i] & 0xffff));
            add(expected, "u8", (long) (u8[i] & 0xff));
            add(expected, "bool", valid[i] ? bools[i] : null);
            add(expected, "text", text.get(i));
            add(expected, "large_text", text.get(i));
            add(expected, "bytes", HexFormat.of().formatHex(bytes.get(i)));
            add(expected, "fsb", HexFormat.of().formatHex(fsb, 2 * i, 2 * i + 2));
            add(expected, "ts", ts[i]);
            add(expected, "dur", i64[i]);
            add(expected, "date", (long) dates[i]);
            List<Object> tensor = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                List<Object> row = new ArrayList<>();
                for (int c = 0; c < 3; c++) {
                    row.add(n + (r * 3 + c) / 10.0);
                }
                tensor.add(row);
            }
            add(expected, "tensor", tensor);
            add(expected, "fsl", Arrays.stream(fsl, 4 * i, 4 * i + 4).mapToObj(v -> (Object) (long) v)
                    .collect(Collectors.toList()));
            add(expected, "nothing", null);
        }
        return new ColumnData[] {
            ColumnData.of(i64).withValidity(valid), ColumnData.of(f64), ColumnData.of(f32).withValidity(valid),
            ColumnData.of(f16), ColumnData.of(i32), ColumnData.of(u16), ColumnData.of(u8),
            ColumnData.of(bools).withValidity(valid), ColumnData.strings(text), ColumnData.strings(text),
            ColumnData.binary(bytes), ColumnData.of(fsb), ColumnData.of(ts), ColumnData.of(i64),
            ColumnData.of(dates), ColumnData.of(tensors), ColumnData.of(fsl), ColumnData.nulls(rows)};
    }

    private static void add(Map<String, List<Object>> expected, String column, Object value) {
        expected.computeIfAbsent(column, c -> new ArrayList<>()).add(value);
    }

    /** Reads argv[1] memory-mapped and prints its columns' values as JSON, after checking that nothing was copied. */
    static final String READ_MAPPED = String.join("\n",
            "import sys, json, pyarrow as pa, pyarrow.ipc as ipc",
            "with pa.memory_map(sys.argv[1]) as source:",
            "    reader = ipc.open_file(source)",
            "    table = reader.read_all()",
            "    assert pa.total_allocated_bytes() == 0, pa.total_allocated_bytes()",
            "    misaligned = [b.address for i in range(reader.num_record_batches)",
            "                  for c in reader.get_batch(i).columns for b in c.buffers() if b is not None and b.address % 64]",
            "    assert not misaligned, misaligned",
            "    tensor = str(table.schema.field('tensor').type)",
            "    assert tensor == 'extension<arrow.fixed_shape_tensor[value_type=double, shape=[2,3]]>', tensor",
            "    assert not table.schema.field('f64').nullable",
            "    out = {'batches': reader.num_record_batches, 'schema': str(table.schema.field('ts').type)}",
            "    for name in table.column_names:",
            "        column = table.column(name)",
            "        if name == 'tensor':",
            "            out[name] = [v for chunk in column.chunks for v in chunk.to_numpy_ndarray().tolist()]",
            "            continue",
            "        if name in ('ts', 'dur', 'date'):",
            "            column = pa.chunked_array([c.view(pa.int32() if name == 'date' else pa.int64()) for c in column.chunks])",
            "        values = column.to_pylist()",
            "        out[name] = [v.hex() if isinstance(v, bytes) else v for v in values]",
            "    print(json.dumps(out))");

    @Test
    void pyarrowMapsTheFileWithoutCopyingAndReadsEveryValue() throws Exception {
        Path file = directory.resolve("jmmap.arrow");
        Map<String, List<Object>> expected = new LinkedHashMap<>();
        try (ArrowIpcWriter writer = ArrowIpcWriter.create(file, SCHEMA)) {
            writer.write(batch(0, 7, expected));
            writer.write(batch(1, 0, expected));
            writer.write(batch(2, 130, expected));
            assertEquals(3, writer.batchCount());
            assertEquals(137, writer.rowCount());
            assertFalse(Files.exists(file), "the file appears when the writer closes");
        }
        assertTrue(Files.exists(file));
        try (Stream<Path> left = Files.list(directory)) {
            assertEquals(List.of(file), left.collect(Collectors.toList()), "no temporary file is left");
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode read = json.readTree(Python.run(READ_MAPPED, file.toString()));
        assertEquals(3, read.get("batches").asInt());
        assertEquals("timestamp[us, tz=UTC]", read.get("schema").asText());
        for (Map.Entry<String, List<Object>> column : expected.entrySet()) {
            assertEquals(json.readTree(json.writeValueAsString(column.getValue())), read.get(column.getKey()),
                    "column " + column.getKey());
        }
    }

    /** Reads an Arrow IPC stream from standard input and prints the rows and the sum of column f64. */
    static final String READ_STREAM = String.join("\n",
            "import sys, json, pyarrow as pa, pyarrow.ipc as ipc, pyarrow.compute as pc",
            "reader = ipc.open_stream(sys.stdin.buffer)",
            "table = reader.read_all()",
            "print(json.dumps({'rows': table.num_rows, 'batches': len(table.column('f64').chunks),",
            "    'sum': pc.sum(table.column('f64')).as_py(), 'text': table.column('text').to_pylist()[:4],",
            "    'tensor': table.column('tensor').chunk(0).to_numpy_ndarray()[1].tolist()}))");

    @Test
    void pyarrowReadsTheStreamFormatFromAPipe() throws Exception {
        Process python = new ProcessBuilder("python3", "-c", READ_STREAM).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Map<String, List<Object>> expected = new LinkedHashMap<>();
        try (OutputStream pipe = python.getOutputStream();
             ArrowIpcWriter writer = ArrowIpcWriter.stream(pipe, SCHEMA)) {
            writer.write(batch(0, 5, expected));
            writer.write(batch(1, 3000, expected));
        }
        String out = new String(python.getInputStream().readAllBytes());
        assertTrue(python.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, python.exitValue(), out);
        JsonNode read = new ObjectMapper().readTree(out);
        assertEquals(3005, read.get("rows").asLong());
        assertEquals(2, read.get("batches").asInt());
        double sum = expected.get("f64").stream().mapToDouble(v -> (Double) v).sum();
        assertEquals(sum, read.get("sum").asDouble(), 1e-9 * sum);
        assertEquals(new ObjectMapper().valueToTree(expected.get("text").subList(0, 4)), read.get("text"));
        assertEquals(new ObjectMapper().valueToTree(expected.get("tensor").get(1)), read.get("tensor"));
    }
}
