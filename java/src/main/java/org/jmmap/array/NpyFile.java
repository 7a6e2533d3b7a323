package org.jmmap.array;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jmmap.MapMode;
import org.jmmap.Mapping;

/**
 * A {@code .npy} file mapped into memory: numpy's {@code np.load(f, mmap_mode=...)} and
 * {@code np.lib.format.open_memmap}, with a {@link #close()}, in-place growth ({@link #grow(long)}) and typed views
 * that index with {@code long}s. The header is parsed with numpy's checks ({@link NpyHeader}); the data is mapped,
 * never read into the heap, so files far larger than the heap or than memory work.
 *
 * <pre>{@code
 * try (NpyFile npy = NpyFile.open(Path.of("temperature.npy"), MapMode.READ_ONLY)) {   // np.load(f, mmap_mode='r')
 *     FloatArray t = npy.floats();                 // shape (time, lat, lon), float32
 *     float first = t.get(0, 0, 0);
 *     FloatArray meanPerCell = t.mean(0);          // in native code, over the mapped file
 * }
 * }</pre>
 *
 * <p>Modes: {@link MapMode#READ_ONLY} is numpy's {@code 'r'}, {@link MapMode#READ_WRITE} {@code 'r+'} (writes reach
 * the file and every process mapping it), {@link MapMode#PRIVATE} {@code 'c'} (copy-on-write). Views taken from the
 * file stay usable until {@link #close()}; after it every access throws {@link IllegalStateException}, and an
 * access racing with it reads zeros rather than crashing ({@link Mapping}). Methods may be called from any thread.
 */
public final class NpyFile implements AutoCloseable {

    private final Path file;
    private final MapMode mode;
    private final Mapping mapping;
    /** The current header: {@link #grow} replaces it. */
    private volatile NpyHeader header;
    /** Serializes {@link #grow}. */
    private final Object growLock = new Object();

    private NpyFile(Path file, MapMode mode, Mapping mapping, NpyHeader header) {
        this.file = file;
        this.mode = mode;
        this.mapping = mapping;
        this.header = header;
    }

    /**
     * Maps the {@code .npy} file {@code file}: numpy's {@code np.load(file, mmap_mode='r' | 'r+' | 'c')}.
     *
     * @throws NpyFormatException                  if the file is not a {@code .npy} file jmmap can map (bad
     *                                             magic or header, pickled objects, a header of more than
     *                                             {@link NpyHeader#DEFAULT_MAX_HEADER_SIZE} characters), or is
     *                                             shorter than its header says; the file is not modified
     * @throws java.nio.file.NoSuchFileException   if the file does not exist
     * @throws java.nio.file.AccessDeniedException if it cannot be opened in {@code mode}
     * @throws IOException                         if mapping fails ({@link Mapping#map(Path, MapMode, long, long,
     *                                             org.jmmap.MapOption...)})
     */
    public static NpyFile open(Path file, MapMode mode) throws IOException {
        return open(file, mode, NpyHeader.DEFAULT_MAX_HEADER_SIZE);
    }

    /**
     * {@link #open(Path, MapMode)} accepting headers of up to {@code maxHeaderSize} characters (numpy's
     * {@code max_header_size}; structured types of thousands of fields need more than the default).
     */
    public static NpyFile open(Path file, MapMode mode, int maxHeaderSize) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(mode, "mode");
        NpyHeader header = NpyHeader.read(file, maxHeaderSize);
        Mapping mapping = Mapping.map(file, mode, 0, header.dataOffset() + header.dataLength());
        return new NpyFile(file, mode, mapping, header);
    }

    /**
     * Creates the {@code .npy} file {@code file} for a C-order, little-endian array of {@code dtype} and
     * {@code shape}, zero-filled, and maps it {@link MapMode#READ_WRITE}: numpy's
     * {@code open_memmap(file, 'w+', dtype, shape)}, with the same header bytes. The file is sparse until written.
     *
     * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists (unlike numpy, which would truncate
     *                                                  it under any process that maps it)
     * @throws IllegalArgumentException                 as {@link NpyHeader#of(DType, long...)}
     */
    public static NpyFile create(Path file, DType dtype, long... shape) throws IOException {
        return create(file, NpyHeader.of(dtype, shape));
    }

    /**
     * Creates the {@code .npy} file {@code file} with the dtype, byte order, memory order and shape of
     * {@code header} (made with {@link NpyHeader#of(String, boolean, long...)}: any dtype, structured ones
     * included), zero-filled, and maps it {@link MapMode#READ_WRITE}. The header is written as {@code np.save}
     * writes it. If anything fails the file is removed.
     *
     * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists
     */
    public static NpyFile create(Path file, NpyHeader header) throws IOException {
        Objects.requireNonNull(file, "file");
        NpyHeader canonical = Objects.requireNonNull(header, "header").withShape(header.shape());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(canonical.toBytes());
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
        try {
            Mapping mapping = Mapping.map(file, MapMode.READ_WRITE, 0,
                    canonical.dataOffset() + canonical.dataLength());
            return new NpyFile(file, MapMode.READ_WRITE, mapping, canonical);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** The header as it is now ({@link #grow} changes it). */
    public NpyHeader header() {
        return header;
    }

    /** The mapping of the whole file, header included ({@link NpyHeader#dataOffset()} is where the data starts). */
    public Mapping mapping() {
        return mapping;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** The mode the file is mapped in. */
    public MapMode mode() {
        return mode;
    }

    /**
     * The typed view that reads this file's dtype: a {@link DoubleArray} for {@code float64}, a {@link FloatArray}
     * for {@code float32} and {@code float16}, and so on ({@link DType}).
     *
     * @throws UnsupportedOperationException for a structured dtype: use {@link #field(String)}
     */
    public TypedArray array() {
        NpyHeader h = header;
        return Views.of(mapping, file, 0, h.type(), h.dataOffset(), h.shape(),
                Layout.contiguousStrides(h.shape(), h.itemSize(), h.fortranOrder()));
    }

    private TypedArray checked(String accessor, String reads) {
        Views.checkAccessor(header.type(), file.toString(), accessor, reads);
        return array();
    }

    /**
     * The {@code float64} elements ({@code <f8}, {@code >f8}), or the parts of {@code complex128} ones along an
     * extra last axis of 2.
     *
     * @throws ClassCastException for any other dtype, naming it and the accessor that reads it
     */
    public DoubleArray doubles() {
        return (DoubleArray) checked("doubles()", "float64 and complex128");
    }

    /**
     * The {@code float32} or {@code float16} elements, or the parts of {@code complex64} ones along an extra last
     * axis of 2.
     *
     * @throws ClassCastException for any other dtype, naming it and the accessor that reads it
     */
    public FloatArray floats() {
        return (FloatArray) checked("floats()", "float32, float16 and complex64");
    }

    /**
     * The {@code int64}, {@code uint64}, {@code datetime64} or {@code timedelta64} elements.
     *
     * @throws ClassCastException for any other dtype, naming it and the accessor that reads it
     */
    public LongArray longs() {
        return (LongArray) checked("longs()", "int64, uint64, datetime64 and timedelta64");
    }

    /**
     * The {@code int32} or {@code uint32} elements, or the code points of {@code <Un} strings along an extra last
     * axis of n.
     *
     * @throws ClassCastException for any other dtype, naming it and the accessor that reads it
     */
    public IntArray ints() {
        return (IntArray) checked("ints()", "int32, uint32 and unicode strings");
    }

    /**
     * The {@code int16} or {@code uint16} elements.
     *
     * @throws ClassCastException for any other dtype, naming it and the accessor that reads it
     */
    public ShortArray shorts() {
        return (ShortArray) checked("shorts()", "int16 and uint16");
    }

    /**
     * The {@code int8}, {@code uint8} or {@code bool} elements, or the bytes of {@code |Sn} strings along an extra
     * last axis of n.
     *
     * @throws ClassCastException for any other dtype, naming it and the accessor that reads it
     */
    public ByteArray bytes() {
        return (ByteArray) checked("bytes()", "int8, uint8, bool and byte strings");
    }

    /**
     * A strided view of the field {@code name} of a structured array (a title names it too, and a dotted path
     * such as {@code "position.x"} a field of a nested structured field): the array's shape, followed by the
     * field's sub-array shape, with the view type of the field's dtype. Its elements lie one record apart.
     *
     * <pre>{@code
     * // [('time', '<M8[ns]'), ('', '|V4'), ('value', '<f4', (3,))]
     * LongArray times = npy.field("time");
     * FloatArray values = npy.field("value");     // shape (n, 3)
     * }</pre>
     *
     * @param <T> the view type of the field's dtype; a mismatch fails with {@link ClassCastException} where the
     *            result is assigned
     * @throws UnsupportedOperationException if the array is not structured
     * @throws IllegalArgumentException      if there is no such field, or it is itself structured
     */
    @SuppressWarnings("unchecked")
    public <T extends TypedArray> T field(String name) {
        Objects.requireNonNull(name, "name");
        NpyHeader h = header;
        if (h.fields().isEmpty()) {
            throw new UnsupportedOperationException(file + " holds " + h.descr() + ", not a structured array with "
                    + "fields");
        }
        NpyHeader.Field field = h.field(name).orElseThrow(() -> new IllegalArgumentException("no field '" + name
                + "' in " + file + " (fields: " + h.fields().stream().map(NpyHeader.Field::name)
                .collect(Collectors.joining(", ")) + ")"));
        if (field.dtype() == DType.STRUCT && !field.fields().isEmpty()) {
            throw new IllegalArgumentException("field '" + name + "' is itself structured: name one of its fields, "
                    + "such as '" + name + "." + field.fields().get(0).name() + "'");
        }
        long[] shape = Layout.concat(h.shape(), field.shape());
        long[] strides = Layout.concat(Layout.contiguousStrides(h.shape(), h.itemSize(), h.fortranOrder()),
                Layout.contiguousStrides(field.shape(), field.itemSize(), false));
        return (T) Views.of(mapping, file, 0, field.type(), h.dataOffset() + field.offset(), shape, strides);
    }

    /**
     * Writes every modified page to the file and waits ({@code msync(MS_SYNC)}), as numpy's {@code flush()}.
     *
     * @throws org.jmmap.ErrnoException if the write-back fails
     */
    public void flush() throws IOException {
        mapping.sync();
    }

    /**
     * Unmaps the file. Idempotent. Does not {@link #flush()}: the kernel writes modified pages back on its own
     * schedule, as for any shared mapping.
     */
    @Override
    public void close() {
        mapping.close();
    }

    @Override
    public String toString() {
        return "NpyFile[" + file + ", " + mode + ", " + header + (mapping.isOpen() ? "]" : ", closed]");
    }
}
