package org.jmmap.arrow;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.arrow.flatbuf.Block;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.Footer;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.jmmap.MapMode;
import org.jmmap.Mapping;

/**
 * An Arrow IPC file ({@code .arrow}, Feather V2) mapped into memory and read in place: the schema, and each record
 * batch's columns as views of the mapped buffers, without copying a byte of data (pyarrow's
 * {@code ipc.open_file(pa.memory_map(path))}).
 *
 * <pre>{@code
 * try (ArrowIpcFile file = ArrowIpcFile.open(Path.of("trades.arrow"))) {
 *     for (int b = 0; b < file.batchCount(); b++) {
 *         DoubleArray price = file.batch(b).column("price").doubles();   // the mapped buffer itself
 *         total += price.sum();                                          // in native code
 *     }
 * }
 * }</pre>
 *
 * <p><b>Validation.</b> {@link #open(Path)} checks the magic at both ends, that the footer lies within the file and
 * is a valid flatbuffer, the schema (little-endian, known types, nesting), and that every record batch and dictionary
 * block lies between the header and the footer. {@link #batch(int)} checks the batch's message against its block,
 * and its field nodes and buffers against the schema and its body, before returning any column. A file that fails a
 * check throws {@link ArrowFormatException} naming the value and the limit; nothing outside the mapping is ever
 * read. A file truncated by another process while mapped behaves as any {@link Mapping}: reductions throw
 * {@code UncheckedIOException} ({@code EFAULT}), element reads an {@code InternalError}; the JVM survives.
 *
 * <p><b>What is read.</b> Every type of {@link ArrowType} but {@link ArrowType.Unsupported} (whose columns are
 * {@link UnsupportedColumn}s), dictionary-encoded fields, metadata versions V4 and V5, and files written before
 * Arrow 0.15 (no continuation marker). Refused: compressed buffers (LZ4 or ZSTD: they cannot be mapped in place, the
 * message names the codec), big-endian files and delta dictionaries.
 *
 * <p>The file is mapped {@link MapMode#READ_ONLY}; the typed arrays it gives are read-only. Methods may be called
 * from any thread. {@link #close()} unmaps the file: every column and array taken from it throws
 * {@link IllegalStateException} afterwards.
 */
public final class ArrowIpcFile implements AutoCloseable {

    private final Path file;
    private final Mapping mapping;
    private final ArrowSchema schema;
    private final short version;
    private final long[][] batchBlocks;
    private final long[][] dictionaryBlocks;
    private final long footerOffset;
    /**
     * The batches read so far, by index; guarded by itself. A lock, not an {@code AtomicReferenceArray}: the first
     * use of one in a JVM links its {@code VarHandle}, milliseconds of the first open.
     */
    private final RecordBatch[] batches;
    /** The dictionaries by id, read on first use. */
    private volatile Map<Long, ArrowColumn> dictionaries;
    /** {@link #dictionary(long)} for the batch loader (a class, not a lambda: no bootstrap on the first open). */
    private final BatchLoader.Dictionaries dictionaryLookup = new BatchLoader.Dictionaries() {
        @Override
        public ArrowColumn get(long id) throws ArrowFormatException {
            return dictionary(id);
        }
    };

    private ArrowIpcFile(Path file, Mapping mapping, ArrowSchema schema, short version, long[][] batchBlocks,
                         long[][] dictionaryBlocks, long footerOffset) {
        this.file = file;
        this.mapping = mapping;
        this.schema = schema;
        this.version = version;
        this.batchBlocks = batchBlocks;
        this.dictionaryBlocks = dictionaryBlocks;
        this.footerOffset = footerOffset;
        this.batches = new RecordBatch[batchBlocks.length];
    }

    /**
     * Maps the Arrow IPC file {@code file} and checks its structure (see the class comment).
     *
     * @throws ArrowFormatException                if the file is not a valid Arrow IPC file, or one jmmap does not
     *                                             read (an Arrow IPC stream, which has no footer, a big-endian
     *                                             file); the message names what was found
     * @throws java.nio.file.NoSuchFileException   if the file does not exist
     * @throws java.nio.file.AccessDeniedException if it cannot be read
     * @throws IOException                         if mapping fails
     */
    public static ArrowIpcFile open(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        long size = Files.size(file);
        String name = "file=" + file;
        if (size < IpcFormat.MIN_FILE_LENGTH) {
            throw new ArrowFormatException(name + " size=" + size + ": too short for an Arrow IPC file (at least "
                    + IpcFormat.MIN_FILE_LENGTH + " bytes)");
        }
        Mapping mapping = Mapping.map(file, MapMode.READ_ONLY, 0, size);
        try {
            return read(file, mapping, name);
        } catch (IOException | RuntimeException | Error e) {
            mapping.close();
            throw e;
        }
    }

    private static ArrowIpcFile read(Path file, Mapping mapping, String name) throws ArrowFormatException {
        long size = mapping.length();
        checkMagic(mapping, 0, name, "starts");
        checkMagic(mapping, size - IpcFormat.MAGIC.length, name, "ends");
        long footerLength = mapping.getInt(size - IpcFormat.TRAILER_LENGTH, ByteOrder.LITTLE_ENDIAN);
        long footerOffset = size - IpcFormat.TRAILER_LENGTH - footerLength;
        if (footerLength <= 0 || footerOffset < IpcFormat.HEADER_LENGTH) {
            throw new ArrowFormatException(name + ": footer length=" + footerLength + " does not fit the file of size="
                    + size + " (the footer must lie within [" + IpcFormat.HEADER_LENGTH + ", "
                    + (size - IpcFormat.TRAILER_LENGTH) + "))");
        }
        String where = name + " footer";
        Footer footer;
        short version;
        org.apache.arrow.flatbuf.Schema flatSchema;
        long[][] batchBlocks;
        long[][] dictionaryBlocks;
        try {
            ByteBuffer bytes = mapping.asByteBuffer(footerOffset, (int) footerLength).order(ByteOrder.LITTLE_ENDIAN);
            footer = Footer.getRootAsFooter(bytes);
            version = footer.version();
            flatSchema = footer.schema();
            batchBlocks = blocks(footer, false);
            dictionaryBlocks = blocks(footer, true);
        } catch (RuntimeException e) {
            throw new ArrowFormatException(where + " at offset=" + footerOffset + " length=" + footerLength
                    + " is not a valid flatbuffer (" + e + ")", e);
        }
        IpcFormat.checkVersion(version, where);
        if (flatSchema == null) {
            throw new ArrowFormatException(where + ": no schema");
        }
        ArrowSchema schema;
        try {
            schema = Metadata.schema(flatSchema, footerLength, where);
        } catch (RuntimeException e) {
            throw new ArrowFormatException(where + ": the schema is not a valid flatbuffer (" + e + ")", e);
        }
        for (long[][] blocks : new long[][][] {batchBlocks, dictionaryBlocks}) {
            for (int i = 0; i < blocks.length; i++) {
                long[] block = blocks[i];
                String what = name + (blocks == batchBlocks ? " record batch " : " dictionary batch ") + i;
                if (block[0] < IpcFormat.HEADER_LENGTH || block[1] < 8 || block[2] < 0 || block[0] > footerOffset
                        || block[1] > footerOffset - block[0] || block[2] > footerOffset - block[0] - block[1]) {
                    throw new ArrowFormatException(what + ": block offset=" + block[0] + " metaDataLength=" + block[1]
                            + " bodyLength=" + block[2] + " does not lie within [" + IpcFormat.HEADER_LENGTH + ", "
                            + footerOffset + "), between the file's header and its footer");
                }
            }
        }
        return new ArrowIpcFile(file, mapping, schema, version, batchBlocks, dictionaryBlocks, footerOffset);
    }

    private static long[][] blocks(Footer footer, boolean dictionaries) {
        int count = dictionaries ? footer.dictionariesLength() : footer.recordBatchesLength();
        if (count < 0 || count > footer.getByteBuffer().capacity() / 24) { // a block takes 24 bytes
            throw new IllegalArgumentException((dictionaries ? "dictionaries" : "recordBatches") + " count=" + count
                    + " exceeds what the footer holds");
        }
        long[][] blocks = new long[count][];
        Block block = new Block();
        for (int i = 0; i < count; i++) {
            if (dictionaries) {
                footer.dictionaries(block, i);
            } else {
                footer.recordBatches(block, i);
            }
            blocks[i] = new long[] {block.offset(), block.metaDataLength(), block.bodyLength()};
        }
        return blocks;
    }

    private static void checkMagic(Mapping mapping, long offset, String name, String where)
            throws ArrowFormatException {
        byte[] found = new byte[IpcFormat.MAGIC.length];
        mapping.getBytes(offset, found, 0, found.length);
        if (Arrays.equals(found, IpcFormat.MAGIC)) {
            return;
        }
        StringBuilder hex = new StringBuilder();
        for (byte b : found) {
            hex.append(String.format("%02x", b & 0xff));
        }
        String hint = "";
        if (offset == 0 && mapping.getInt(0, ByteOrder.LITTLE_ENDIAN) == IpcFormat.CONTINUATION) {
            hint = " (it starts like an Arrow IPC stream, which has no footer to map: pyarrow reads it with "
                    + "ipc.open_stream; write a file with ipc.new_file)";
        } else if (offset == 0 && found[0] == 'F' && found[1] == 'E' && found[2] == 'A' && found[3] == '1') {
            hint = " (a Feather V1 file: rewrite it with pyarrow.feather.write_feather, version 2)";
        } else if (offset != 0) {
            hint = " (truncated, or still being written)";
        }
        throw new ArrowFormatException(name + ": not an Arrow IPC file: it " + where + " with " + hex
                + " where the magic ARROW1 (" + "4152524f5731" + ") should be" + hint);
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** The mapping of the whole file, read-only. */
    public Mapping mapping() {
        return mapping;
    }

    /** The schema, from the footer. */
    public ArrowSchema schema() {
        return schema;
    }

    /** The metadata version of the footer: 4 for V4, 5 for V5 (Arrow 1.0 and later). */
    public int metadataVersion() {
        return version + 1;
    }

    /** The number of record batches. */
    public int batchCount() {
        return batchBlocks.length;
    }

    /**
     * Record batch {@code index}, its columns in place (read and checked on first use, then kept).
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < batchCount()}
     * @throws ArrowFormatException      if the batch's message is invalid, is not a record batch, is compressed, or
     *                                   disagrees with the schema or its body (or a dictionary it needs does)
     * @throws IllegalStateException     if the file is closed
     */
    public RecordBatch batch(int index) throws ArrowFormatException {
        Objects.checkIndex(index, batchBlocks.length);
        RecordBatch batch;
        synchronized (batches) {
            batch = batches[index];
        }
        if (batch == null) { // read outside the lock: another thread may read the same batch meanwhile
            checkOpen();
            String where = "file=" + file + " record batch " + index;
            org.apache.arrow.flatbuf.RecordBatch header = header(batchBlocks[index], MessageHeader.RecordBatch,
                    new org.apache.arrow.flatbuf.RecordBatch(), where);
            long[] block = batchBlocks[index];
            List<ArrowColumn> columns = new BatchLoader(mapping, block[0] + block[1], block[2], header,
                    dictionaryLookup, where).load(schema.fields());
            long length = header.length();
            batch = new RecordBatch(schema, length, columns);
            synchronized (batches) {
                if (batches[index] == null) {
                    batches[index] = batch;
                }
                batch = batches[index];
            }
        }
        return batch;
    }

    /**
     * Every record batch, in order ({@link #batch(int)} for each).
     *
     * @throws ArrowFormatException as {@link #batch(int)}
     */
    public List<RecordBatch> batches() throws ArrowFormatException {
        List<RecordBatch> all = new ArrayList<>(batchBlocks.length);
        for (int i = 0; i < batchBlocks.length; i++) {
            all.add(batch(i));
        }
        return all;
    }

    /**
     * The total number of rows of every batch (reads every batch's metadata).
     *
     * @throws ArrowFormatException as {@link #batch(int)}
     */
    public long rowCount() throws ArrowFormatException {
        long rows = 0;
        for (int i = 0; i < batchBlocks.length; i++) {
            rows += batch(i).length();
        }
        return rows;
    }

    private void checkOpen() {
        if (!mapping.isOpen()) {
            throw new IllegalStateException("file=" + file + " is closed");
        }
    }

    /**
     * The header of the message of {@code block}, checked to be of {@code type}, read into {@code into} (a
     * {@code Table} of the generated class of {@code type}; not declared one, or verifying this class would load
     * the class of every header it is called with: {@code DictionaryBatch} for files without dictionaries).
     */
    private <T> T header(long[] block, byte type, T into, String where) throws ArrowFormatException {
        Message message = IpcFormat.message(mapping, block[0], block[1], block[2], footerOffset, where);
        try {
            if (message.headerType() != type || message.header((com.google.flatbuffers.Table) into) == null) {
                throw new ArrowFormatException(where + ": the message at offset=" + block[0] + " is a "
                        + headerName(message.headerType()) + ", not a " + headerName(type));
            }
        } catch (RuntimeException e) {
            throw new ArrowFormatException(where + ": the message header is not a valid flatbuffer (" + e + ")", e);
        }
        return into;
    }

    private static String headerName(byte type) {
        return type >= 0 && type < MessageHeader.names.length ? MessageHeader.names[type] : "header type " + type;
    }

    /** The dictionary {@code id}, reading every dictionary batch of the file the first time one is needed. */
    private ArrowColumn dictionary(long id) throws ArrowFormatException {
        Map<Long, ArrowColumn> all = dictionaries;
        if (all == null) {
            synchronized (this) {
                all = dictionaries;
                if (all == null) {
                    all = readDictionaries();
                    dictionaries = all;
                }
            }
        }
        ArrowColumn dictionary = all.get(id);
        if (dictionary == null) {
            throw new ArrowFormatException("file=" + file + ": no dictionary batch with id=" + id + " (the file has "
                    + all.keySet() + ")");
        }
        return dictionary;
    }

    private Map<Long, ArrowColumn> readDictionaries() throws ArrowFormatException {
        Map<Long, ArrowField> fields = new HashMap<>();
        for (ArrowField field : schema.fields()) {
            collectDictionaryFields(field, fields);
        }
        Map<Long, ArrowColumn> read = new HashMap<>();
        for (int i = 0; i < dictionaryBlocks.length; i++) {
            String where = "file=" + file + " dictionary batch " + i;
            long[] block = dictionaryBlocks[i];
            DictionaryBatch header = header(block, MessageHeader.DictionaryBatch, new DictionaryBatch(), where);
            long id;
            boolean delta;
            org.apache.arrow.flatbuf.RecordBatch data;
            try {
                id = header.id();
                delta = header.isDelta();
                data = header.data();
            } catch (RuntimeException e) {
                throw new ArrowFormatException(where + ": not a valid dictionary batch (" + e + ")", e);
            }
            ArrowField field = fields.get(id);
            if (field == null) {
                throw new ArrowFormatException(where + ": id=" + id + " is not the dictionary of any field (ids: "
                        + fields.keySet() + ")");
            }
            if (delta || read.containsKey(id)) {
                throw new ArrowFormatException(where + ": a " + (delta ? "delta" : "second") + " dictionary for id="
                        + id + " (field '" + field.name() + "'): jmmap maps one dictionary per field in place and "
                        + "does not concatenate deltas");
            }
            if (data == null) {
                throw new ArrowFormatException(where + ": no record batch in the dictionary batch");
            }
            ArrowField values = new ArrowField(field.name(), field.type(), true, field.children(), Map.of(), null);
            Map<Long, ArrowColumn> sofar = read;
            List<ArrowColumn> columns = new BatchLoader(mapping, block[0] + block[1], block[2], data, nested -> {
                ArrowColumn column = sofar.get(nested);
                if (column == null) {
                    throw new ArrowFormatException(where + ": it needs dictionary id=" + nested
                            + ", which is not before it");
                }
                return column;
            }, where).load(List.of(values));
            read.put(id, columns.get(0));
        }
        return read;
    }

    private static void collectDictionaryFields(ArrowField field, Map<Long, ArrowField> into) {
        field.dictionary().ifPresent(encoding -> into.put(encoding.id(), field));
        for (ArrowField child : field.children()) {
            collectDictionaryFields(child, into);
        }
    }

    /** Unmaps the file. Idempotent. */
    @Override
    public void close() {
        mapping.close();
    }

    @Override
    public String toString() {
        return "ArrowIpcFile[" + file + ", " + batchBlocks.length + " batches, " + schema.fields().size()
                + " fields" + (mapping.isOpen() ? "]" : ", closed]");
    }
}
