package org.jmmap.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.flatbuffers.FlatBufferBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.arrow.flatbuf.Block;
import org.apache.arrow.flatbuf.Field;
import org.apache.arrow.flatbuf.Footer;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.apache.arrow.flatbuf.Schema;
import org.apache.arrow.flatbuf.Type;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that are not what they claim: each gives an {@link ArrowFormatException} naming the value and the limit,
 * at {@link ArrowIpcFile#open} or at {@link ArrowIpcFile#batch}, and never a read outside the mapping. Random
 * corruption and a file truncated underneath run in child JVMs, which must exit normally.
 */
class BadFilesTest {

    @TempDir
    static Path directory;
    /** pyarrow's file of two record batches of (x: double, y: int32). */
    static Path good;
    /** The same data in pyarrow's stream format. */
    static Path stream;
    /** pyarrow's files with ZSTD and LZ4 buffer compression. */
    static Path zstd;
    static Path lz4;
    /** pyarrow's file of (x: double) only. */
    static Path narrow;

    @BeforeAll
    static void writeWithPyarrow() throws Exception {
        good = directory.resolve("good.arrow");
        stream = directory.resolve("good.arrows");
        zstd = directory.resolve("zstd.arrow");
        lz4 = directory.resolve("lz4.arrow");
        narrow = directory.resolve("narrow.arrow");
        Python.run(String.join("\n",
                "import sys, pyarrow as pa, pyarrow.ipc as ipc",
                "t = pa.table({'x': [1.5, 2.5, None, 4.5] * 64, 'y': pa.array(range(256), pa.int32())})",
                "def write(path, table, **options):",
                "    with ipc.new_file(path, table.schema, options=ipc.IpcWriteOptions(**options)) as w:",
                "        for b in table.to_batches(max_chunksize=128): w.write_batch(b)",
                "write(sys.argv[1], t)",
                "with ipc.new_stream(sys.argv[2], t.schema) as w: w.write_table(t)",
                "write(sys.argv[3], t, compression='zstd')",
                "write(sys.argv[4], t, compression='lz4')",
                "write(sys.argv[5], t.select(['x']))"),
                good.toString(), stream.toString(), zstd.toString(), lz4.toString(), narrow.toString());
        try (ArrowIpcFile file = ArrowIpcFile.open(good)) {
            assertEquals(256, file.rowCount());
        }
    }

    private static Path variant(String name, byte[] bytes) throws IOException {
        return Files.write(directory.resolve(name), bytes);
    }

    private static String openFails(Path file) {
        return assertThrows(ArrowFormatException.class, () -> ArrowIpcFile.open(file).close()).getMessage();
    }

    @Test
    void truncatedFiles() throws IOException {
        byte[] bytes = Files.readAllBytes(good);
        for (int length : new int[] {0, 1, 6, 17, 18, 100, bytes.length / 2, bytes.length - 10, bytes.length - 1}) {
            String message = openFails(variant("cut-" + length, Arrays.copyOf(bytes, length)));
            assertTrue(message.contains(length < IpcFormat.MIN_FILE_LENGTH ? "size=" + length + ": too short"
                    : "where the magic ARROW1"), length + ": " + message);
            if (length >= IpcFormat.MIN_FILE_LENGTH) {
                assertTrue(message.contains("(truncated, or still being written)"), message);
            }
        }
    }

    @Test
    void wrongMagic() throws IOException {
        byte[] bytes = Files.readAllBytes(good);
        bytes[0] = 'P';
        String message = openFails(variant("magic", bytes));
        assertTrue(message.endsWith(": not an Arrow IPC file: it starts with 5052524f5731 where the magic ARROW1 "
                + "(4152524f5731) should be"), message);
        assertTrue(openFails(stream).contains("it starts like an Arrow IPC stream"), openFails(stream));
        byte[] npy = Files.readAllBytes(good);
        System.arraycopy(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'}, 0, npy, 0, 6);
        assertTrue(openFails(variant("npy", npy)).contains("starts with 934e554d5059"));
    }

    @Test
    void footerPointingOutside() throws IOException {
        byte[] bytes = Files.readAllBytes(good);
        for (int length : new int[] {-1, 0, bytes.length, Integer.MAX_VALUE, bytes.length - 17}) {
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 10, length);
            String message = openFails(variant("footer", bytes));
            assertTrue(message.contains("footer length=" + length + " does not fit the file of size=" + bytes.length),
                    message);
        }
        bytes = Files.readAllBytes(good); // a footer length that fits, over bytes that are no footer
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 10, bytes.length - 18);
        String message = openFails(variant("footer-garbage", bytes));
        assertTrue(message.contains("footer"), message);
    }

    /** The file with its footer rebuilt from {@code schema} (or the file's own) and {@code blocks}. */
    private static byte[] withFooter(byte[] bytes, ByteBuffer schemaSource, long[][] blocks) {
        int footerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(bytes.length - 10);
        int footerStart = bytes.length - 10 - footerLength;
        FlatBufferBuilder builder = new FlatBufferBuilder();
        Schema schema = Footer.getRootAsFooter(schemaSource).schema();
        int[] fields = new int[schema.fieldsLength()];
        for (int i = 0; i < fields.length; i++) {
            Field field = schema.fields(i);
            int name = builder.createString(field.name());
            builder.startTable(0);
            int type = builder.endTable();
            int children = Field.createChildrenVector(builder, new int[0]);
            fields[i] = Field.createField(builder, name, field.nullable(), field.typeType(), copyType(builder, field,
                    type), 0, children, 0);
        }
        int schemaOffset = Schema.createSchema(builder, schema.endianness(), Schema.createFieldsVector(builder, fields),
                0, 0);
        Footer.startRecordBatchesVector(builder, blocks.length);
        for (int i = blocks.length - 1; i >= 0; i--) {
            Block.createBlock(builder, blocks[i][0], (int) blocks[i][1], blocks[i][2]);
        }
        int batches = builder.endVector();
        Footer.finishFooterBuffer(builder, Footer.createFooter(builder, MetadataVersion.V5, schemaOffset, 0,
                batches, 0));
        byte[] footer = builder.sizedByteArray();
        ByteBuffer out = ByteBuffer.allocate(footerStart + footer.length + 10).order(ByteOrder.LITTLE_ENDIAN);
        out.put(bytes, 0, footerStart).put(footer).putInt(footer.length).put(IpcFormat.MAGIC);
        return out.array();
    }

    private static int copyType(FlatBufferBuilder builder, Field field, int empty) {
        if (field.typeType() == Type.FloatingPoint) {
            return org.apache.arrow.flatbuf.FloatingPoint.createFloatingPoint(builder,
                    ((org.apache.arrow.flatbuf.FloatingPoint) field.type(new org.apache.arrow.flatbuf.FloatingPoint()))
                            .precision());
        }
        if (field.typeType() == Type.Int) {
            org.apache.arrow.flatbuf.Int t = (org.apache.arrow.flatbuf.Int) field.type(new org.apache.arrow.flatbuf.Int());
            return org.apache.arrow.flatbuf.Int.createInt(builder, t.bitWidth(), t.isSigned());
        }
        return empty;
    }

    private static ByteBuffer footerOf(byte[] bytes) {
        int footerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(bytes.length - 10);
        return ByteBuffer.wrap(bytes, bytes.length - 10 - footerLength, footerLength).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    private static long[][] blocksOf(byte[] bytes) {
        Footer footer = Footer.getRootAsFooter(footerOf(bytes));
        long[][] blocks = new long[footer.recordBatchesLength()][];
        for (int i = 0; i < blocks.length; i++) {
            Block b = footer.recordBatches(i);
            blocks[i] = new long[] {b.offset(), b.metaDataLength(), b.bodyLength()};
        }
        return blocks;
    }

    @Test
    void blocksPointingOutside() throws IOException {
        byte[] bytes = Files.readAllBytes(good);
        long[][] blocks = blocksOf(bytes);
        assertEquals(2, blocks.length);
        // the rebuilt footer itself reads back
        try (ArrowIpcFile file = ArrowIpcFile.open(variant("rebuilt", withFooter(bytes, footerOf(bytes), blocks)))) {
            assertEquals(256, file.rowCount());
        }
        long[][] outside = {blocks[0], {blocks[1][0], blocks[1][1], bytes.length}};
        String message = openFails(variant("body-outside", withFooter(bytes, footerOf(bytes), outside)));
        assertTrue(message.contains("record batch 1: block offset=" + blocks[1][0] + " metaDataLength="
                + blocks[1][1] + " bodyLength=" + bytes.length + " does not lie within [8, "), message);
        long[][] negative = {{-64, blocks[0][1], blocks[0][2]}};
        assertTrue(openFails(variant("negative", withFooter(bytes, footerOf(bytes), negative)))
                .contains("block offset=-64"));
        long[][] shifted = {{blocks[0][0] + 8, blocks[0][1], blocks[0][2]}}; // inside, but not at a message
        Path file = variant("shifted", withFooter(bytes, footerOf(bytes), shifted));
        try (ArrowIpcFile arrow = ArrowIpcFile.open(file)) {
            ArrowFormatException e = assertThrows(ArrowFormatException.class, () -> arrow.batch(0));
            assertTrue(e.getMessage().startsWith("file=" + file + " record batch 0: "), e.getMessage());
        }
        long[][] schemaMessage = {{8, blocks[0][0] - 8, 0}}; // the schema message, not a record batch
        try (ArrowIpcFile arrow = ArrowIpcFile.open(variant("schema-block", withFooter(bytes, footerOf(bytes),
                schemaMessage)))) {
            ArrowFormatException e = assertThrows(ArrowFormatException.class, () -> arrow.batch(0));
            assertTrue(e.getMessage().endsWith("is a Schema, not a RecordBatch"), e.getMessage());
        }
    }

    @Test
    void batchesThatDoNotBelongToTheSchema() throws IOException {
        byte[] bytes = Files.readAllBytes(good);
        byte[] schemaOfOne = Files.readAllBytes(narrow);
        Path file = variant("mismatch", withFooter(bytes, footerOf(schemaOfOne), blocksOf(bytes)));
        try (ArrowIpcFile arrow = ArrowIpcFile.open(file)) {
            assertEquals(1, arrow.schema().fields().size());
            ArrowFormatException e = assertThrows(ArrowFormatException.class, () -> arrow.batch(0));
            assertEquals("file=" + file + " record batch 0: 2 field nodes and 4 buffers, but the schema's 1 fields "
                    + "need 1 and 2 (the batch does not belong to this schema)", e.getMessage());
        }
        // the other way round: batches of one column under a schema of two
        byte[] narrowBytes = Files.readAllBytes(narrow);
        Path wide = variant("mismatch-wide", withFooter(narrowBytes, footerOf(bytes), blocksOf(narrowBytes)));
        try (ArrowIpcFile arrow = ArrowIpcFile.open(wide)) {
            ArrowFormatException e = assertThrows(ArrowFormatException.class, () -> arrow.batch(1));
            assertTrue(e.getMessage().contains("1 field nodes and 2 buffers, but the schema's 2 fields need 2 and 4"),
                    e.getMessage());
        }
    }

    @Test
    void compressedBodiesAreRefusedNamingTheCodec() throws IOException {
        for (Path file : new Path[] {zstd, lz4}) {
            try (ArrowIpcFile arrow = ArrowIpcFile.open(file)) {
                assertEquals(2, arrow.batchCount()); // the schema and the structure are fine
                ArrowFormatException e = assertThrows(ArrowFormatException.class, () -> arrow.batch(0));
                String codec = file == zstd ? "ZSTD" : "LZ4_FRAME";
                assertTrue(e.getMessage().contains("the buffers are compressed with " + codec + ", which cannot be "
                        + "mapped in place"), e.getMessage());
            }
        }
    }

    @Test
    void schemasNestedTooDeep() throws IOException {
        byte[] bytes = Files.readAllBytes(good);
        FlatBufferBuilder builder = new FlatBufferBuilder();
        int field = 0;
        for (int depth = 0; depth < 100; depth++) {
            int name = builder.createString("s" + depth);
            builder.startTable(0);
            int type = builder.endTable();
            int children = Field.createChildrenVector(builder, depth == 0 ? new int[0] : new int[] {field});
            field = Field.createField(builder, name, true, depth == 0 ? Type.Null : Type.Struct_, type, 0, children, 0);
        }
        int schema = Schema.createSchema(builder, (short) 0, Schema.createFieldsVector(builder, new int[] {field}), 0, 0);
        Footer.finishFooterBuffer(builder, Footer.createFooter(builder, MetadataVersion.V5, schema, 0, 0, 0));
        byte[] footer = builder.sizedByteArray();
        ByteBuffer out = ByteBuffer.allocate(8 + footer.length + 10).order(ByteOrder.LITTLE_ENDIAN);
        out.put(bytes, 0, 8).put(footer).putInt(footer.length).put(IpcFormat.MAGIC);
        String message = openFails(variant("deep", out.array()));
        assertTrue(message.contains("fields nested more than 64 deep"), message);
    }

    /** Flips random bytes of a file of every type and reads everything, counting how each attempt ended. */
    public static final class Corrupter {
        public static void main(String[] args) throws Exception {
            byte[] original = Files.readAllBytes(Path.of(args[0]));
            Path file = Path.of(args[1]);
            java.util.SplittableRandom random = new java.util.SplittableRandom(Long.parseLong(args[2]));
            int rounds = Integer.parseInt(args[3]);
            java.util.Map<String, Integer> outcomes = new java.util.TreeMap<>();
            for (int round = 0; round < rounds; round++) {
                byte[] bytes = original.clone();
                int flips = 1 + random.nextInt(8);
                for (int f = 0; f < flips; f++) {
                    int at = random.nextInt(bytes.length);
                    bytes[at] = (byte) (random.nextBoolean() ? random.nextInt(256) : bytes[at] ^ (1 << random.nextInt(8)));
                }
                Files.write(file, bytes);
                String outcome = "read";
                try (ArrowIpcFile arrow = ArrowIpcFile.open(file)) {
                    for (int b = 0; b < arrow.batchCount(); b++) {
                        try {
                            for (ArrowColumn column : arrow.batch(b).columns()) {
                                ColumnValues.of(column);
                                if (column instanceof FixedWidthColumn) {
                                    column.array().toString();
                                }
                            }
                        } catch (ArrowFormatException e) {
                            outcome = "ArrowFormatException at batch";
                        }
                    }
                } catch (ArrowFormatException e) {
                    outcome = "ArrowFormatException at open";
                } catch (IndexOutOfBoundsException e) { // corrupt offsets or indexes, found when read
                    outcome = "IndexOutOfBoundsException";
                } catch (UnsupportedOperationException e) { // a type changed into one jmmap does not read
                    outcome = "UnsupportedOperationException";
                }
                outcomes.merge(outcome, 1, Integer::sum);
            }
            System.out.println("outcomes " + outcomes);
        }
    }

    @Test
    void randomCorruptionNeverCrashesNorReadsOutside() throws Exception {
        Path everyType = directory.resolve("every-type.arrow");
        Python.run(PyarrowFilesTest.WRITE_EVERY_TYPE, everyType.toString());
        ChildJvm.Result result = ChildJvm.of(Corrupter.class, everyType.toString(),
                directory.resolve("corrupt.arrow").toString(), "20261129", "600").timeoutSeconds(240).run();
        assertEquals(0, result.exitStatus, result.output);
        assertTrue(result.output.contains("outcomes {"), result.output);
    }

    /** Maps a file, has it truncated underneath, then reads and sums its column. */
    public static final class TruncatedUnderneath {
        public static void main(String[] args) throws Exception {
            Path file = Path.of(args[0]);
            try (ArrowIpcFile arrow = ArrowIpcFile.open(file)) {
                org.jmmap.array.DoubleArray x = arrow.batch(0).column("x").doubles();
                System.out.println("before " + x.get(0));
                try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                    channel.truncate(0);
                }
                try {
                    System.out.println("sum " + x.sum());
                } catch (java.io.UncheckedIOException e) {
                    System.out.println("sum failed " + ((org.jmmap.ErrnoException) e.getCause()).errnoName());
                }
                try {
                    System.out.println("get " + x.get(100));
                } catch (InternalError e) {
                    System.out.println("get failed InternalError");
                }
            }
            System.out.println("survived");
        }
    }

    @Test
    void aFileTruncatedUnderneathDoesNotCrashTheJvm() throws Exception {
        Path file = Files.copy(good, directory.resolve("shrinking.arrow"));
        ChildJvm.Result result = ChildJvm.of(TruncatedUnderneath.class, file.toString()).run();
        assertEquals(0, result.exitStatus, result.output);
        assertTrue(result.output.contains("before 1.5"), result.output);
        assertTrue(result.output.contains("sum failed EFAULT"), result.output);
        assertTrue(result.output.contains("survived"), result.output);
    }
}
