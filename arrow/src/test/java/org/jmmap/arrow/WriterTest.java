package org.jmmap.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jmmap.array.DType;
import org.jmmap.array.MappedArrays;
import org.jmmap.array.NpyFile;
import org.jmmap.array.TypedArray;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ArrowIpcWriter}'s checks and failure paths: nothing half-written is ever left where a reader looks. */
class WriterTest {

    @TempDir
    Path directory;

    static final ArrowSchema SCHEMA = ArrowSchema.of(ArrowField.notNull("id", ArrowType.int64()),
            ArrowField.of("x", ArrowType.float64()));

    private List<Path> files() throws IOException {
        try (Stream<Path> list = Files.list(directory)) {
            return list.sorted().collect(Collectors.toList());
        }
    }

    @Test
    void columnsThatDoNotFitAreRefusedBeforeAnythingIsWritten() throws IOException {
        Path file = directory.resolve("checked.arrow");
        try (ArrowIpcWriter writer = ArrowIpcWriter.create(file, SCHEMA)) {
            IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                    () -> writer.write(ColumnData.of(new long[] {1})));
            assertEquals("1 columns for a schema of 2 fields", count.getMessage());
            IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                    () -> writer.write(ColumnData.of(new double[] {1}), ColumnData.of(new double[] {1})));
            assertEquals("column 'id' (int64) takes a 1-d array or a Java array of 8-byte integers; given "
                    + "ColumnData[ARRAY FLOAT64, 1 elements]", type.getMessage());
            IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                    () -> writer.write(ColumnData.of(new long[] {1, 2}), ColumnData.of(new double[] {1})));
            assertEquals("column 'x' has 1 rows, column 'id' 2: every column of a batch has the same number of rows",
                    rows.getMessage());
            IllegalArgumentException notNull = assertThrows(IllegalArgumentException.class,
                    () -> writer.write(ColumnData.of(new long[] {1}).withValidity(new boolean[] {false}),
                            ColumnData.of(new double[] {1})));
            assertEquals("column 'id' is declared not null, and 1 of its rows are null", notNull.getMessage());
            TypedArray matrix = MappedArrays.allocate(DType.FLOAT64, 2, 2);
            IllegalArgumentException nd = assertThrows(IllegalArgumentException.class,
                    () -> writer.write(ColumnData.of(new long[] {1, 2}), ColumnData.of(matrix)));
            assertTrue(nd.getMessage().contains("declare the field with ArrowField.tensor(name, type, shape)"),
                    nd.getMessage());
            writer.write(ColumnData.of(new long[] {7}), ColumnData.of(new double[] {0.5})); // still usable
        }
        try (ArrowIpcFile arrow = ArrowIpcFile.open(file)) {
            assertEquals(1, arrow.batchCount());
            assertEquals(7, arrow.batch(0).column("id").longs().get(0));
        }
        assertThrows(IllegalArgumentException.class, () -> ArrowIpcWriter.create(directory.resolve("u.arrow"),
                ArrowSchema.of(ArrowField.of("u", new ArrowType.Unsupported("dense_union")))));
        assertEquals(List.of(file), files());
    }

    @Test
    void abortLeavesNoFileAndTheTargetAsItWas() throws IOException {
        Path file = Files.writeString(directory.resolve("kept.arrow"), "old content");
        ArrowIpcWriter writer = ArrowIpcWriter.create(file, SCHEMA);
        writer.write(ColumnData.of(new long[] {1}), ColumnData.of(new double[] {1}));
        assertEquals(2, files().size(), "the temporary file, hidden: " + files());
        assertTrue(files().stream().anyMatch(p -> p.getFileName().toString().matches("\\.kept\\.arrow\\.\\d+-[0-9a-f]+\\.tmp")),
                files().toString());
        writer.abort();
        writer.close(); // nothing more
        assertEquals(List.of(file), files());
        assertEquals("old content", Files.readString(file));
        assertThrows(IllegalStateException.class, () -> writer.write(ColumnData.of(new long[0]),
                ColumnData.of(new double[0])));
        assertThrows(FileSystemException.class, () -> ArrowIpcWriter.create(directory, SCHEMA));
    }

    @Test
    void readersOfTheOldFileKeepItsContentWhenItIsReplaced() throws IOException {
        Path file = directory.resolve("replaced.arrow");
        try (ArrowIpcWriter writer = ArrowIpcWriter.create(file, SCHEMA)) {
            writer.write(ColumnData.of(new long[] {1}), ColumnData.of(new double[] {1.5}));
        }
        try (ArrowIpcFile old = ArrowIpcFile.open(file)) {
            try (ArrowIpcWriter writer = ArrowIpcWriter.create(file, SCHEMA)) {
                writer.write(ColumnData.of(new long[] {2, 3}), ColumnData.of(new double[] {2.5, 3.5}));
            }
            assertEquals(1.5, old.batch(0).column("x").doubles().get(0));
            try (ArrowIpcFile fresh = ArrowIpcFile.open(file)) {
                assertEquals(3.5, fresh.batch(0).column("x").doubles().get(1));
            }
        }
    }

    @Test
    void aStreamThatFailsFailsTheWriter() throws IOException {
        OutputStream broken = new OutputStream() {
            private int left = 400;

            @Override
            public void write(int b) throws IOException {
                if (--left < 0) {
                    throw new IOException("pipe closed");
                }
            }
        };
        ArrowIpcWriter writer = ArrowIpcWriter.stream(broken, SCHEMA);
        IOException e = assertThrows(IOException.class,
                () -> writer.write(ColumnData.of(new long[100]), ColumnData.of(new double[100])));
        assertEquals("pipe closed", e.getMessage());
        IllegalStateException after = assertThrows(IllegalStateException.class,
                () -> writer.write(ColumnData.of(new long[1]), ColumnData.of(new double[1])));
        assertTrue(after.getMessage().startsWith("the writer failed (java.io.IOException: pipe closed)"));
        writer.close(); // nothing: no end-of-stream marker after a failure
    }

    @Test
    void aStreamEndsWithTheEndOfStreamMarker() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArrowIpcWriter writer = ArrowIpcWriter.stream(out, SCHEMA)) {
            writer.write(ColumnData.of(new long[] {1}), ColumnData.of(new double[] {2}));
        }
        byte[] bytes = out.toByteArray();
        assertArrayEquals(new byte[] {-1, -1, -1, -1, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(bytes,
                bytes.length - 8, bytes.length));
        assertEquals(0, bytes.length % 8);
    }

    /** Writes a column from a .npy file that is truncated underneath while it is copied. */
    public static final class SourceTruncated {
        public static void main(String[] args) throws Exception {
            Path npyPath = Path.of(args[0]);
            Path target = Path.of(args[1]);
            try (NpyFile npy = NpyFile.open(npyPath, org.jmmap.MapMode.READ_ONLY)) {
                try (var channel = java.nio.channels.FileChannel.open(npyPath, java.nio.file.StandardOpenOption.WRITE)) {
                    channel.truncate(4096);
                }
                ArrowIpcWriter writer = ArrowIpcWriter.create(target, ArrowSchema.of(ArrowField.of("a",
                        ArrowType.float64())));
                try {
                    writer.write(ColumnData.of(npy));
                    System.out.println("written");
                } catch (InternalError | RuntimeException e) {
                    System.out.println("write failed " + e.getClass().getSimpleName());
                }
                writer.close();
            }
            System.out.println("survived");
        }
    }

    @Test
    void aSourceTruncatedUnderneathLeavesNoFile() throws Exception {
        Path npy = directory.resolve("source.npy");
        try (NpyFile out = NpyFile.create(npy, DType.FLOAT64, 1 << 20)) {
            out.doubles().fill(1.0);
        }
        Path target = Files.writeString(directory.resolve("target.arrow"), "old");
        ChildJvm.Result result = ChildJvm.of(SourceTruncated.class, npy.toString(), target.toString()).run();
        assertEquals(0, result.exitStatus, result.output);
        assertTrue(result.output.contains("write failed"), result.output);
        assertTrue(result.output.contains("survived"), result.output);
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(npy, target), files());
        assertFalse(result.output.contains("written"));
    }
}
