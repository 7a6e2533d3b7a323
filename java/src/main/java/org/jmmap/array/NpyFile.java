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

    /** The file: a {@code .npy} file, or the {@code .npz} archive holding this member. */
    private final Path file;
    /** The name in messages: the file, or {@code archive.npz[member]}. */
    private final String name;
    /** The file offset of the mapping's byte 0 (a stored {@code .npz} member starts inside its archive). */
    private final long fileOffset;
    /** False for a member inflated into anonymous memory: its mapping is not the file's. */
    private final boolean inPlace;
    private final MapMode mode;
    private final Mapping mapping;
    /** The current header: {@link #grow} replaces it. */
    private volatile NpyHeader header;
    /** Serializes {@link #grow}. */
    private final Object growLock = new Object();

    private NpyFile(Path file, MapMode mode, Mapping mapping, NpyHeader header) {
        this(file, file.toString(), 0, true, mode, mapping, header);
    }

    NpyFile(Path file, String name, long fileOffset, boolean inPlace, MapMode mode, Mapping mapping,
            NpyHeader header) {
        this.file = file;
        this.name = name;
        this.fileOffset = fileOffset;
        this.inPlace = inPlace;
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

    /** The file: the {@code .npy} file, or the {@code .npz} archive a member of which this is. */
    public Path file() {
        return file;
    }

    /**
     * Whether the array is mapped from its file: true for a {@code .npy} file and a stored {@code .npz} member,
     * false for a compressed member, which {@link NpzFile} inflates into anonymous memory (its writes never reach
     * the file, and it cannot be locked).
     */
    public boolean isMappedInPlace() {
        return inPlace;
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
        return Views.of(mapping, inPlace ? file : null, fileOffset, h.type(), h.dataOffset(), h.shape(),
                Layout.contiguousStrides(h.shape(), h.itemSize(), h.fortranOrder()));
    }

    private TypedArray checked(String accessor, String reads) {
        Views.checkAccessor(header.type(), name, accessor, reads);
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
            throw new UnsupportedOperationException(name + " holds " + h.descr() + ", not a structured array with "
                    + "fields");
        }
        NpyHeader.Field field = h.field(name).orElseThrow(() -> new IllegalArgumentException("no field '" + name
                + "' in " + name + " (fields: " + h.fields().stream().map(NpyHeader.Field::name)
                .collect(Collectors.joining(", ")) + ")"));
        if (field.dtype() == DType.STRUCT && !field.fields().isEmpty()) {
            throw new IllegalArgumentException("field '" + name + "' is itself structured: name one of its fields, "
                    + "such as '" + name + "." + field.fields().get(0).name() + "'");
        }
        long[] shape = Layout.concat(h.shape(), field.shape());
        long[] strides = Layout.concat(Layout.contiguousStrides(h.shape(), h.itemSize(), h.fortranOrder()),
                Layout.contiguousStrides(field.shape(), field.itemSize(), false));
        return (T) Views.of(mapping, inPlace ? file : null, fileOffset, field.type(), h.dataOffset() + field.offset(),
                shape, strides);
    }

    /**
     * Appends rows along the first axis, in place: the file grows to {@code newFirstDimension} rows (the new ones
     * zero, and sparse until written) and the header is rewritten with the new shape, without moving the data.
     * The new header takes the room numpy leaves for this ({@code np.save} pads headers so that the first
     * dimension can grow to 21 digits), or the padding up to the data otherwise; if it does not fit, nothing
     * changes and {@link IllegalStateException} says so.
     *
     * <p>Crash-safe in numpy's eyes: the file is extended first, then the bytes of the header that change are
     * written with one {@code pwrite}, so a process killed at any point leaves a file that {@code np.load} reads,
     * with the old shape or the new one (a file longer than its header says is valid). The header's changed bytes
     * lie in its last line, within one page unless a header of several kilobytes ends across a page boundary,
     * the one case where a kill could tear them. Views taken before keep their shape: take new ones. The mapping
     * moves ({@link Mapping#resize}): a thread still reading through it during the grow may read zeros.
     *
     * @throws UnsupportedOperationException unless the file is mapped {@link MapMode#READ_WRITE} in place, or if
     *                                       the array is 0-d, or Fortran-ordered with more than one axis (its
     *                                       rows are not contiguous)
     * @throws IllegalArgumentException      if {@code newFirstDimension} is smaller than the first dimension
     * @throws IllegalStateException         if the new header does not fit before the data
     * @throws IOException                   if the file cannot be extended or written
     */
    public void grow(long newFirstDimension) throws IOException {
        synchronized (growLock) {
            NpyHeader old = header;
            long[] shape = old.shape();
            if (mode != MapMode.READ_WRITE || !inPlace || fileOffset != 0) {
                throw new UnsupportedOperationException("grow needs a .npy file mapped READ_WRITE; " + name
                        + " is mapped " + mode + (inPlace ? "" : " (inflated from a compressed member)"));
            }
            if (shape.length == 0) {
                throw new UnsupportedOperationException(name + " holds a 0-d array: there is no axis to grow");
            }
            if (old.fortranOrder() && shape.length > 1) {
                throw new UnsupportedOperationException(name + " is in Fortran order: its rows along the first "
                        + "axis are not contiguous, so they cannot be appended in place");
            }
            if (newFirstDimension < shape[0]) {
                throw new IllegalArgumentException("newFirstDimension=" + newFirstDimension + ": must be >= the "
                        + "first dimension, " + shape[0] + " (grow does not shrink)");
            }
            if (newFirstDimension == shape[0]) {
                return;
            }
            shape[0] = newFirstDimension;
            NpyHeader grown = old.withShape(shape);
            byte[] bytes = grown.toBytes(old.version(), old.dataOffset());
            if (bytes == null) {
                throw new IllegalStateException(name + ": the header with shape " + NpyHeader.shapeText(shape)
                        + " does not fit in the " + old.dataOffset() + " bytes before the data (numpy would "
                        + "rewrite the whole file)");
            }
            long oldEnd = old.dataOffset() + old.dataLength();
            long newEnd = old.dataOffset() + grown.dataLength();
            byte[] current = new byte[bytes.length];
            mapping.getBytes(0, current, 0, current.length);
            // 1. The new length: the file grows (zeros) and is mapped again; numpy still reads the old shape.
            long fileSize = Files.size(file);
            mapping.resize(newEnd);
            if (fileSize > oldEnd) { // the file had bytes past the data: the new rows start as zeros all the same
                mapping.fill(oldEnd, Math.min(fileSize, newEnd) - oldEnd, (byte) 0);
            }
            // 2. The header: the bytes that change, in one write.
            int first = 0;
            while (first < bytes.length && bytes[first] == current[first]) {
                first++;
            }
            int last = bytes.length - 1;
            while (last > first && bytes[last] == current[last]) {
                last--;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ByteBuffer changed = ByteBuffer.wrap(bytes, first, last - first + 1);
                while (changed.hasRemaining()) {
                    channel.write(changed, changed.position());
                }
            }
            header = NpyHeader.parse(ByteBuffer.wrap(bytes), Integer.MAX_VALUE);
        }
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
        return "NpyFile[" + name + ", " + mode + ", " + header + (mapping.isOpen() ? "]" : ", closed]");
    }
}
