package org.jmmap.arrow;

import com.google.flatbuffers.FlatBufferBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.arrow.flatbuf.Footer;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.jmmap.MapMode;
import org.jmmap.Mapping;

/**
 * Writes Arrow IPC: the file format ({@link #create(Path, ArrowSchema)}: {@code .arrow}, Feather V2, what
 * {@link ArrowIpcFile} and pyarrow's {@code ipc.open_file} map) or the stream format ({@link #stream(OutputStream,
 * ArrowSchema)}: for pipes and sockets, pyarrow's {@code ipc.open_stream}). Metadata version V5, little-endian,
 * every buffer and message body aligned to 64 bytes, uncompressed: readers map the buffers in place.
 *
 * <pre>{@code
 * ArrowSchema schema = ArrowSchema.of(ArrowField.of("id", ArrowType.int64()),
 *         ArrowField.tensor("image", ArrowType.uint8(), 28, 28));
 * try (ArrowIpcWriter out = ArrowIpcWriter.create(Path.of("images.arrow"), schema)) {
 *     out.write(ColumnData.of(ids), ColumnData.of(images));     // a long[] and a (rows, 28, 28) uint8 array
 * }
 * }</pre>
 *
 * <p>Each {@link #write(ColumnData...)} appends one record batch. A file is written through a mapping that grows
 * as batches are appended (the buffers are copied from their mappings or arrays straight to their place in the
 * file, never through the heap), under a temporary name in the target's directory; {@link #close()} writes the
 * footer, cuts the file to its length and renames it over the target, so that no reader ever sees a partial file.
 * If writing fails part-way, or {@link #abort()} is called, the temporary file is removed and the target left as
 * it was. A stream is written as it goes, and ended by {@link #close()} with the end-of-stream marker (the
 * {@code OutputStream} is flushed, not closed).
 *
 * <p>Not thread-safe: one thread writes.
 */
public final class ArrowIpcWriter implements AutoCloseable {

    private static final byte[] END_OF_STREAM = {-1, -1, -1, -1, 0, 0, 0, 0};

    private final ArrowSchema schema;
    private final Sink sink;
    /** The blocks of the record batches: offset, metadata length, body length. */
    private final List<long[]> blocks = new ArrayList<>();
    private long rows;
    private boolean closed;
    /** Set when a write failed part-way: the output is unusable. */
    private Throwable failure;

    private ArrowIpcWriter(ArrowSchema schema, Sink sink) {
        this.schema = schema;
        this.sink = sink;
    }

    /**
     * Starts the Arrow IPC file {@code file} (replaced when the writer closes, if it exists) with {@code schema}.
     *
     * @throws IllegalArgumentException if the schema holds a field jmmap does not write (dictionary-encoded,
     *                                  {@link ArrowType.Unsupported})
     * @throws FileSystemException      if {@code file} is a directory
     * @throws IOException              if the temporary file cannot be created or mapped
     */
    public static ArrowIpcWriter create(Path file, ArrowSchema schema) throws IOException {
        Objects.requireNonNull(file, "file");
        byte[] schemaMessage = schemaMessage(schema);
        ArrowIpcWriter writer = new ArrowIpcWriter(schema, MappedSink.create(file));
        writer.start(schemaMessage, true);
        return writer;
    }

    /**
     * Starts an Arrow IPC stream with {@code schema} on {@code out} (writes the schema message at once).
     *
     * @throws IllegalArgumentException as {@link #create(Path, ArrowSchema)}
     * @throws IOException              if writing to {@code out} fails
     */
    public static ArrowIpcWriter stream(OutputStream out, ArrowSchema schema) throws IOException {
        Objects.requireNonNull(out, "out");
        return stream(Channels.newChannel(out), schema, out);
    }

    /**
     * Starts an Arrow IPC stream with {@code schema} on {@code out}: buffers go from their mappings to the channel
     * without a copy on the heap.
     *
     * @throws IllegalArgumentException as {@link #create(Path, ArrowSchema)}
     * @throws IOException              if writing to {@code out} fails
     */
    public static ArrowIpcWriter stream(WritableByteChannel out, ArrowSchema schema) throws IOException {
        Objects.requireNonNull(out, "out");
        return stream(out, schema, null);
    }

    private static ArrowIpcWriter stream(WritableByteChannel out, ArrowSchema schema, OutputStream flush)
            throws IOException {
        byte[] schemaMessage = schemaMessage(schema);
        ArrowIpcWriter writer = new ArrowIpcWriter(schema, new ChannelSink(out, flush));
        writer.start(schemaMessage, false);
        return writer;
    }

    private static byte[] schemaMessage(ArrowSchema schema) {
        Objects.requireNonNull(schema, "schema");
        FlatBufferBuilder builder = new FlatBufferBuilder(1024);
        int header = Metadata.write(builder, schema);
        return message(builder, MessageHeader.Schema, header, 0);
    }

    private static byte[] message(FlatBufferBuilder builder, byte type, int header, long bodyLength) {
        Message.startMessage(builder);
        Message.addVersion(builder, MetadataVersion.V5);
        Message.addHeaderType(builder, type);
        Message.addHeader(builder, header);
        Message.addBodyLength(builder, bodyLength);
        Message.finishMessageBuffer(builder, Message.endMessage(builder));
        return builder.sizedByteArray();
    }

    private void start(byte[] schemaMessage, boolean file) throws IOException {
        try {
            if (file) {
                sink.put(new byte[] {'A', 'R', 'R', 'O', 'W', '1', 0, 0});
            }
            writeMessage(schemaMessage);
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
            throw e;
        }
    }

    /** Writes an encapsulated message's metadata so that what follows starts 64-byte aligned; its length. */
    private long writeMessage(byte[] flatbuffer) throws IOException {
        long start = sink.position();
        long end = IpcFormat.align(start + 8 + flatbuffer.length, IpcFormat.ALIGNMENT);
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putInt(IpcFormat.CONTINUATION).putInt((int) (end - start - 8));
        sink.put(prefix.array());
        sink.put(flatbuffer);
        sink.zeros(end - sink.position());
        return end - start;
    }

    /** The schema the writer was started with. */
    public ArrowSchema schema() {
        return schema;
    }

    /** The record batches written so far. */
    public int batchCount() {
        return blocks.size();
    }

    /** The rows written so far, in every batch. */
    public long rowCount() {
        return rows;
    }

    /**
     * Appends one record batch of {@code columns}, one per field of the schema in order, all of the same number of
     * rows ({@link ColumnData} says which values fit which field). Everything is checked before anything is
     * written: a column that does not fit throws and leaves the writer as it was.
     *
     * @throws IllegalArgumentException if the columns do not fit the schema (the message names the column)
     * @throws IllegalStateException    if the writer is closed or failed before
     * @throws IOException              if writing fails: the writer is then failed, and a file's temporary file
     *                                  removed
     */
    public void write(ColumnData... columns) throws IOException {
        checkUsable();
        Objects.requireNonNull(columns, "columns");
        BatchEncoder batch = new BatchEncoder(schema, columns);
        long[] offsets = new long[batch.buffers.size()];
        long bodyLength = 0;
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = bodyLength;
            bodyLength = IpcFormat.align(bodyLength + batch.buffers.get(i).length, IpcFormat.ALIGNMENT);
        }
        FlatBufferBuilder builder = new FlatBufferBuilder(256 + 32 * offsets.length);
        org.apache.arrow.flatbuf.RecordBatch.startNodesVector(builder, batch.nodes.size());
        for (int i = batch.nodes.size() - 1; i >= 0; i--) {
            long[] node = batch.nodes.get(i);
            org.apache.arrow.flatbuf.FieldNode.createFieldNode(builder, node[0], node[1]);
        }
        int nodes = builder.endVector();
        org.apache.arrow.flatbuf.RecordBatch.startBuffersVector(builder, offsets.length);
        for (int i = offsets.length - 1; i >= 0; i--) {
            org.apache.arrow.flatbuf.Buffer.createBuffer(builder, offsets[i], batch.buffers.get(i).length);
        }
        int buffers = builder.endVector();
        int header = org.apache.arrow.flatbuf.RecordBatch.createRecordBatch(builder, batch.rows, nodes, buffers, 0, 0);
        byte[] metadata = message(builder, MessageHeader.RecordBatch, header, bodyLength);
        try {
            long start = sink.position();
            sink.reserve(8L + metadata.length + IpcFormat.ALIGNMENT + bodyLength);
            long metadataLength = writeMessage(metadata);
            long body = sink.position();
            for (int i = 0; i < offsets.length; i++) {
                sink.zeros(body + offsets[i] - sink.position());
                BatchEncoder.Buffer buffer = batch.buffers.get(i);
                sink.put(buffer.length, buffer.filler);
            }
            sink.zeros(body + bodyLength - sink.position());
            blocks.add(new long[] {start, metadataLength, bodyLength});
            rows += batch.rows;
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
            throw e;
        }
    }

    private void checkUsable() {
        if (failure != null) {
            throw new IllegalStateException("the writer failed (" + failure + ") and wrote nothing more", failure);
        }
        if (closed) {
            throw new IllegalStateException("the writer is closed");
        }
    }

    private void fail(Throwable cause) {
        failure = cause;
        sink.abort();
    }

    /**
     * Drops what was written: a file's temporary file is removed (the target is left as it was); a stream is left
     * without its end-of-stream marker. Idempotent; {@link #close()} does nothing afterwards.
     */
    public void abort() {
        if (!closed) {
            closed = true;
            sink.abort();
        }
    }

    /**
     * Finishes the output: a file gets its footer and replaces the target; a stream its end-of-stream marker.
     * Idempotent; does nothing after {@link #abort()} or a failure.
     *
     * @throws IOException if writing or renaming fails (the temporary file is then removed)
     */
    @Override
    public void close() throws IOException {
        if (closed || failure != null) {
            return;
        }
        closed = true;
        try {
            sink.put(END_OF_STREAM);
            if (sink instanceof MappedSink) {
                byte[] footer = footer();
                ByteBuffer trailer = ByteBuffer.allocate(IpcFormat.TRAILER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
                trailer.putInt(footer.length).put(IpcFormat.MAGIC);
                sink.put(footer);
                sink.put(trailer.array());
            }
            sink.finish();
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
            sink.abort();
            throw e;
        }
    }

    private byte[] footer() {
        FlatBufferBuilder builder = new FlatBufferBuilder(1024 + 24 * blocks.size());
        int schemaOffset = Metadata.write(builder, schema);
        Footer.startDictionariesVector(builder, 0);
        int dictionaries = builder.endVector();
        Footer.startRecordBatchesVector(builder, blocks.size());
        for (int i = blocks.size() - 1; i >= 0; i--) {
            long[] block = blocks.get(i);
            org.apache.arrow.flatbuf.Block.createBlock(builder, block[0], (int) block[1], block[2]);
        }
        int batches = builder.endVector();
        Footer.finishFooterBuffer(builder, Footer.createFooter(builder, MetadataVersion.V5, schemaOffset,
                dictionaries, batches, 0));
        return builder.sizedByteArray();
    }

    @Override
    public String toString() {
        return "ArrowIpcWriter[" + sink + ", " + blocks.size() + " batches, " + rows + " rows"
                + (failure != null ? ", failed]" : closed ? ", closed]" : "]");
    }

    // -----------------------------------------------------------------------------------------------------------
    // Where the bytes go

    /** The output: bytes appended at a position. */
    private abstract static class Sink {
        /** The bytes written so far. */
        abstract long position();

        /** Makes room for {@code bytes} more bytes (a hint: every put makes its own room). */
        abstract void reserve(long bytes) throws IOException;

        abstract void put(byte[] bytes) throws IOException;

        /** Writes {@code count} zero bytes. */
        abstract void zeros(long count) throws IOException;

        /** Writes {@code length} bytes that {@code filler} provides. */
        abstract void put(long length, BatchEncoder.Filler filler) throws IOException;

        abstract void finish() throws IOException;

        abstract void abort();
    }

    /**
     * A file written through a mapping of a temporary file that grows by doubling; finished by cutting it to its
     * length and renaming it over the target. New space reads zero (the file is extended, sparse), so padding is
     * skipped rather than written.
     */
    private static final class MappedSink extends Sink {
        /** The most bytes of one view of the mapping. */
        private static final int CHUNK = 1 << 30;
        private static final long INITIAL = 1 << 20;

        private final Path target;
        private final Path temporary;
        private final Mapping mapping;
        private long position;
        private boolean done;

        private MappedSink(Path target, Path temporary, Mapping mapping) {
            this.target = target;
            this.temporary = temporary;
            this.mapping = mapping;
        }

        static MappedSink create(Path target) throws IOException {
            if (Files.isDirectory(target)) {
                throw new FileSystemException(target.toString(), null, "is a directory");
            }
            Path absolute = target.toAbsolutePath();
            Path temporary = absolute.resolveSibling("." + absolute.getFileName() + "."
                    + ProcessHandle.current().pid() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()
                    >>> 16) + ".tmp");
            Files.createFile(temporary);
            try {
                return new MappedSink(target, temporary, Mapping.map(temporary, MapMode.READ_WRITE, 0, INITIAL));
            } catch (IOException | RuntimeException | Error e) {
                Files.deleteIfExists(temporary);
                throw e;
            }
        }

        @Override
        long position() {
            return position;
        }

        @Override
        void reserve(long bytes) throws IOException {
            long needed = position + bytes;
            long length = mapping.length();
            if (needed > length) {
                mapping.resize(Math.max(needed, length < (1L << 40) ? 2 * length : length + (1L << 40)));
            }
        }

        @Override
        void put(byte[] bytes) throws IOException {
            reserve(bytes.length);
            mapping.putBytes(position, bytes, 0, bytes.length);
            position += bytes.length;
        }

        @Override
        void zeros(long count) throws IOException {
            reserve(count);
            position += count; // the file was extended with zeros, and nothing was written past the position
        }

        @Override
        void put(long length, BatchEncoder.Filler filler) throws IOException {
            reserve(length);
            for (long done = 0; done < length; ) {
                int chunk = (int) Math.min(CHUNK, length - done);
                ByteBuffer view = mapping.asByteBuffer(position, chunk);
                filler.fill(done, view);
                if (view.hasRemaining()) {
                    throw new IllegalStateException(view.remaining() + " bytes of a buffer were not filled");
                }
                position += chunk;
                done += chunk;
            }
        }

        @Override
        void finish() throws IOException {
            mapping.resize(position); // the file is cut to what was written
            mapping.close();
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            done = true;
        }

        @Override
        void abort() {
            if (done) {
                return;
            }
            done = true;
            mapping.close();
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the temporary file " + temporary, e);
            }
        }

        @Override
        public String toString() {
            return target.toString();
        }
    }

    /** A stream written to a channel through a direct buffer. */
    private static final class ChannelSink extends Sink {
        private static final int CHUNK = 1 << 20;

        private final WritableByteChannel channel;
        private final OutputStream flush;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        private long position;

        ChannelSink(WritableByteChannel channel, OutputStream flush) {
            this.channel = channel;
            this.flush = flush;
        }

        @Override
        long position() {
            return position;
        }

        @Override
        void reserve(long bytes) {
        }

        private void drain(ByteBuffer bytes) throws IOException {
            while (bytes.hasRemaining()) {
                position += channel.write(bytes);
            }
        }

        @Override
        void put(byte[] bytes) throws IOException {
            drain(ByteBuffer.wrap(bytes));
        }

        @Override
        void zeros(long count) throws IOException {
            if (count > 0) {
                drain(ByteBuffer.allocate((int) count));
            }
        }

        @Override
        void put(long length, BatchEncoder.Filler filler) throws IOException {
            for (long done = 0; done < length; ) {
                int chunk = (int) Math.min(CHUNK, length - done);
                buffer.clear().limit(chunk);
                filler.fill(done, buffer);
                if (buffer.hasRemaining()) {
                    throw new IllegalStateException(buffer.remaining() + " bytes of a buffer were not filled");
                }
                buffer.flip();
                drain(buffer);
                done += chunk;
            }
        }

        @Override
        void finish() throws IOException {
            if (flush != null) {
                flush.flush();
            }
        }

        @Override
        void abort() {
        }

        @Override
        public String toString() {
            return "stream";
        }
    }
}
